package io.cryptolake.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.udf;

import io.cryptolake.lake.Tables;
import io.cryptolake.silver.adapters.ExchangeAdapter;
import io.cryptolake.streaming.BatchClock;
import io.cryptolake.validation.TradeValidator;
import io.cryptolake.validation.ValidationConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.avro.functions;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * Bronze rows to validated unified trades: decode (wire format, registry, Avro resolution), normalise with
 * the exchange's adapter, validate with the shared library. Used by the silver jobs and the DLQ replay.
 *
 * <p>Input columns: {@code raw_bytes}, {@code kafka_topic}, {@code kafka_partition}, {@code kafka_offset},
 * {@code kafka_timestamp}, {@code bronze_ingestion_timestamp}.
 */
public final class SilverTransform {
  private static final List<String> SILVER_COLUMNS = Tables.silverColumnNames();
  static final String HUGE_METHOD_LIMIT = "spark.sql.codegen.hugeMethodLimit";
  /** HotSpot's limit: it does not compile a method of more bytes of bytecode (-XX:+DontCompileHugeMethods). */
  static final int HOTSPOT_HUGE_METHOD = 8_000;

  private final ExchangeAdapter adapter;
  private final UserDefinedFunction decode;
  private final TradeValidator validator;

  public SilverTransform(ExchangeAdapter adapter, String registryUrl, Duration registryMaxWait,
      ValidationConfig validation) {
    this.adapter = adapter;
    this.decode = udf(new WireDecoder(adapter.exchange().rawSchema(), registryUrl, registryMaxWait),
        WireDecoder.RESULT).withName("decode_" + adapter.exchange().id());
    this.validator = new TradeValidator(validation);
  }

  /**
   * Every input row, with the unified columns, lineage and the verdict ({@code is_valid}, reasons), and the
   * input columns named in {@code passThrough} unchanged.
   */
  public Dataset<Row> apply(Dataset<Row> input, String... passThrough) {
    compileEveryMethod(input.sparkSession());
    Column raw = col("raw");
    Column tradeId = adapter.tradeId(raw);
    Column symbol = adapter.symbol(raw);
    String code = adapter.exchange().code();
    Dataset<Row> decoded = input
        .withColumn("decoded", decode.apply(col("raw_bytes"), col("kafka_topic")))
        .withColumn("raw", functions.from_avro(col("decoded.avro_body"), adapter.exchange().rawSchema().toString()));
    List<Column> columns = new ArrayList<>(List.of(
        col("raw_bytes"), col("kafka_topic"), col("kafka_partition"), col("kafka_offset"), col("kafka_timestamp"),
        col("bronze_ingestion_timestamp"),
        col("decoded.schema_id").as("schema_id"),
        col("decoded.decode_error").as("decode_error"),
        NameBasedUuid.of(concat(lit(code + ":"), symbol, lit(":"), tradeId.cast("string"))).as("message_id"),
        concat(lit(code + "-"), tradeId.cast("string")).as("trade_id"),
        symbol.as("symbol"),
        lit(code).as("exchange"),
        lit("crypto").as("asset_class"),
        adapter.tradeTime(raw).as("timestamp"),
        adapter.priceText(raw).as("price_text"),
        adapter.quantityText(raw).as("quantity_text"),
        adapter.currency(raw).as("currency"),
        adapter.side(raw).as("side"),
        array().cast(DataTypes.createArrayType(DataTypes.StringType)).as("trade_conditions"),
        tradeId.as("source_sequence"),
        raw.getField("ingestion_timestamp").as("ingestion_timestamp"),
        col("kafka_offset").as("platform_sequence"),
        adapter.vendorData(raw).as("vendor_data"),
        BatchClock.now().as("validation_timestamp")));
    Arrays.stream(passThrough).map(name -> col(name)).forEach(columns::add);
    return validator.validate(decoded.select(columns.toArray(Column[]::new)));
  }

  /**
   * Whole-stage code generation only up to 8,000 bytes of bytecode per method, as Spark's documentation advises on
   * HotSpot, in the session the rows belong to (a streaming query's batches have a session of their own). Silver's
   * stages fit (SilverCodegenTest), and run as one compiled method each; this is the safety net if a change makes
   * one grow: HotSpot never compiles a larger method, so it would run interpreted (35% of silver's executor samples
   * in round 17, when the stage generated 11,334-13,596 bytes), and above the limit Spark runs the stage's operators
   * one by one instead, with code each task generates again (round 24: twice the transform's CPU per 10,000-row
   * batch). Not for every query: the one application was slower with it on gold's aggregations (docs/benchmarks.md,
   * round 17). A value submitted with --conf is kept.
   */
  static void compileEveryMethod(SparkSession session) {
    if (!session.sparkContext().getConf().contains(HUGE_METHOD_LIMIT)) {
      session.conf().set(HUGE_METHOD_LIMIT, String.valueOf(HOTSPOT_HUGE_METHOD));
    }
  }

  /** The silver table's columns (every exchange's silver table has the same), for the valid rows. */
  public static Dataset<Row> silverRows(Dataset<Row> validated) {
    return validated.where(col(TradeValidator.IS_VALID))
        .select(SILVER_COLUMNS.stream().map(name -> col(name)).toArray(Column[]::new));
  }

  /** The DLQ table's columns, for the invalid rows. */
  public static Dataset<Row> dlqRows(Dataset<Row> validated, String bronzeSource) {
    return validated.where(col(TradeValidator.IS_VALID).equalTo(false)).select(Tables.dlq().projection(Map.of(
        "raw_record", col("raw_bytes"),
        "error_timestamp", col("validation_timestamp"),
        "bronze_source", lit(bronzeSource),
        "dlq_date", to_date(col("validation_timestamp")),
        "replay_count", lit(0),
        "last_replayed_at", lit(null).cast("timestamp"),
        "resolved_at", lit(null).cast("timestamp"))));
  }
}
