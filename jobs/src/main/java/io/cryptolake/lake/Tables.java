package io.cryptolake.lake;

import static org.apache.iceberg.types.Types.NestedField.optional;

import io.cryptolake.schemas.Exchange;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/** Every table of the lake (spec section 5): the one place their names, columns and properties are defined. */
public final class Tables {
  /** Days a row is kept; the maintenance job deletes older rows. Absent means kept forever. */
  public static final String RETENTION_DAYS = "cryptolake.retention-days";
  public static final String LAYER = "cryptolake.layer";

  private Tables() {}

  public static String bronzeName(Exchange exchange) {
    return "bronze_" + exchange.id() + "_trades";
  }

  /** Raw Kafka records of one exchange, value bytes untouched. */
  public static TableDef bronze(Exchange exchange) {
    Schema schema = new Schema(
        optional(1, "raw_bytes", Types.BinaryType.get(), "the Kafka value, byte for byte"),
        optional(2, "kafka_key", Types.StringType.get(), "the Kafka key as UTF-8: the exchange symbol"),
        optional(3, "kafka_topic", Types.StringType.get()),
        optional(4, "kafka_partition", Types.IntegerType.get()),
        optional(5, "kafka_offset", Types.LongType.get()),
        optional(6, "kafka_timestamp", Types.TimestampType.withZone()),
        optional(7, "ingestion_timestamp", Types.TimestampType.withZone(), "when bronze wrote the row"),
        optional(8, "ingestion_date", Types.DateType.get(), "UTC date of ingestion_timestamp"));
    return new TableDef(bronzeName(exchange), schema,
        s -> PartitionSpec.builderFor(s).identity("ingestion_date").build(),
        properties("bronze", 7));
  }

  public static String silverName(Exchange exchange) {
    return "silver_" + exchange.id() + "_trades";
  }

  public static final String DLQ = "silver_dlq_trades";

  /** The unified trade (spec section 3), shared by silver and gold. */
  static List<Types.NestedField> unifiedTrade() {
    return List.of(
        optional(101, "message_id", Types.StringType.get(), "name-based UUID (v3) of EXCHANGE:SYMBOL:trade id"),
        optional(102, "trade_id", Types.StringType.get(), "BINANCE-<t> / KRAKEN-<trade_id>"),
        optional(103, "symbol", Types.StringType.get()),
        optional(104, "exchange", Types.StringType.get()),
        optional(105, "asset_class", Types.StringType.get()),
        optional(106, "timestamp", Types.TimestampType.withZone(), "exchange trade time"),
        optional(107, "price", Types.DecimalType.of(38, 18)),
        optional(108, "quantity", Types.DecimalType.of(38, 18)),
        optional(109, "currency", Types.StringType.get(), "quote currency"),
        optional(110, "side", Types.StringType.get(), "BUY / SELL from the aggressor"),
        optional(111, "trade_conditions", Types.ListType.ofOptional(112, Types.StringType.get())),
        optional(113, "source_sequence", Types.LongType.get(), "the exchange's numeric trade id"),
        optional(114, "ingestion_timestamp", Types.TimestampType.withZone(), "the producer's"),
        optional(115, "platform_sequence", Types.LongType.get(), "the Kafka offset"),
        optional(116, "vendor_data", Types.MapType.ofOptional(117, 118, Types.StringType.get(), Types.StringType.get())));
  }

  /** Valid trades of one exchange, with lineage back to Kafka and bronze. */
  public static TableDef silver(Exchange exchange) {
    List<Types.NestedField> columns = new ArrayList<>(unifiedTrade());
    columns.addAll(List.of(
        optional(201, "kafka_topic", Types.StringType.get()),
        optional(202, "kafka_partition", Types.IntegerType.get()),
        optional(203, "kafka_offset", Types.LongType.get()),
        optional(204, "schema_id", Types.IntegerType.get(), "the writer schema's registry id"),
        optional(205, "bronze_ingestion_timestamp", Types.TimestampType.withZone()),
        optional(206, "validation_timestamp", Types.TimestampType.withZone())));
    return new TableDef(silverName(exchange), new Schema(columns),
        s -> PartitionSpec.builderFor(s).day("timestamp", "trade_date").build(),
        properties("silver", 30));
  }

  /**
   * Every record silver could not accept, from every exchange. Beyond the spec's columns it keeps the Kafka
   * timestamp and bronze's ingestion time, so a replay re-validates exactly as silver did.
   */
  public static TableDef dlq() {
    Schema schema = new Schema(
        optional(1, "raw_record", Types.BinaryType.get(), "the Kafka value, byte for byte"),
        optional(2, "error_reason", Types.StringType.get(), "the first failing rule"),
        optional(3, "error_reasons", Types.ListType.ofOptional(4, Types.StringType.get()), "every failing rule"),
        optional(5, "error_type", Types.StringType.get()),
        optional(6, "error_timestamp", Types.TimestampType.withZone()),
        optional(7, "bronze_source", Types.StringType.get(), "the bronze table the record came from"),
        optional(8, "kafka_topic", Types.StringType.get()),
        optional(9, "kafka_partition", Types.IntegerType.get()),
        optional(10, "kafka_offset", Types.LongType.get()),
        optional(11, "schema_id", Types.IntegerType.get(), "NULL when the wire format had no id"),
        optional(12, "dlq_date", Types.DateType.get()),
        optional(13, "replay_count", Types.IntegerType.get()),
        optional(14, "last_replayed_at", Types.TimestampType.withZone()),
        optional(15, "resolved_at", Types.TimestampType.withZone(), "set when a replay moved the record to silver"),
        optional(16, "kafka_timestamp", Types.TimestampType.withZone()),
        optional(17, "bronze_ingestion_timestamp", Types.TimestampType.withZone()));
    return new TableDef(DLQ, schema,
        s -> PartitionSpec.builderFor(s).identity("dlq_date").identity("bronze_source").identity("error_type").build(),
        properties("dlq", 90));
  }

  /** Properties every table shares, plus its layer and retention. */
  static Map<String, String> properties(String layer, Integer retentionDays) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("format-version", "2");
    props.put(LAYER, layer);
    if (retentionDays != null) {
      props.put(RETENTION_DAYS, String.valueOf(retentionDays));
    }
    // Streaming appends are already grouped by partition; a shuffle per micro-batch would only cost time.
    props.put("write.distribution-mode", "none");
    props.put("write.spark.fanout.enabled", "true");
    props.put("write.parquet.compression-codec", "zstd");
    // Frequent triggers make many metadata files: keep the last 100, delete older ones at commit.
    props.put("write.metadata.delete-after-commit.enabled", "true");
    props.put("write.metadata.previous-versions-max", "100");
    // Several writers append to the same table (both silver jobs to the DLQ, replay to silver).
    props.put("commit.retry.num-retries", "20");
    props.put("commit.retry.min-wait-ms", "50");
    return props;
  }
}
