package io.cryptolake.lake;

import static org.apache.iceberg.types.Types.NestedField.optional;

import io.cryptolake.schemas.Exchange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.types.Types;

/** Every table of the lake (spec section 5): the one place their names, columns and properties are defined. */
public final class Tables {
  /** Days a row is kept; the maintenance job deletes older rows. Absent means kept forever. */
  public static final String RETENTION_DAYS = "cryptolake.retention-days";
  public static final String LAYER = "cryptolake.layer";
  /** The column retention is measured on (a date or a timestamp). */
  public static final String RETENTION_COLUMN = "cryptolake.retention-column";
  /** The column that says when the table's writer wrote a row: what maintenance compares with readers. */
  public static final String WRITTEN_AT_COLUMN = "cryptolake.written-at-column";
  /**
   * The table a table's rows come from: a row is deleted by retention only once its source row may be gone
   * too (written before the source's retention), so every source row still has its outcome.
   */
  public static final String RETENTION_SOURCE = "cryptolake.retention-source";
  /**
   * How long a table keeps its snapshots (Iceberg's {@code history.expire.max-snapshot-age-ms}, on every table;
   * the default for tables made before it was set): the time travel it offers. Each commit rewrites the whole
   * metadata file, which grows with every snapshot kept (SnapshotExpiry says what that costs). An hour: what a
   * stopped job still needs is kept anyway, and a new query reads its sources whole (WholeSourceStart).
   */
  public static final Duration SNAPSHOT_AGE = Duration.ofHours(1);

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
        writtenAt(properties("bronze", 7, "ingestion_date"), "ingestion_timestamp"));
  }

  public static String silverName(Exchange exchange) {
    return "silver_" + exchange.id() + "_trades";
  }

  public static final String DLQ = "silver_dlq_trades";

  /** The unified trade's column names, in table order: what gold reads from every silver table. */
  public static List<String> unifiedTradeColumns() {
    return unifiedTrade().stream().map(Types.NestedField::name).toList();
  }

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

  /** Every exchange's silver table has these columns, in this order: the projection that writes silver. */
  public static List<String> silverColumnNames() {
    return silverColumns().stream().map(Types.NestedField::name).toList();
  }

  private static List<Types.NestedField> silverColumns() {
    List<Types.NestedField> columns = new ArrayList<>(unifiedTrade());
    columns.addAll(List.of(
        optional(201, "kafka_topic", Types.StringType.get()),
        optional(202, "kafka_partition", Types.IntegerType.get()),
        optional(203, "kafka_offset", Types.LongType.get()),
        optional(204, "schema_id", Types.IntegerType.get(), "the writer schema's registry id"),
        optional(205, "bronze_ingestion_timestamp", Types.TimestampType.withZone()),
        optional(206, "validation_timestamp", Types.TimestampType.withZone())));
    return columns;
  }

  /** Valid trades of one exchange, with lineage back to Kafka and bronze. */
  public static TableDef silver(Exchange exchange) {
    return new TableDef(silverName(exchange), new Schema(silverColumns()),
        s -> PartitionSpec.builderFor(s).day("timestamp", "trade_date").build(),
        from(writtenAt(properties("silver", 30, "timestamp"), "validation_timestamp"), bronzeName(exchange)));
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
    // The replay updates DLQ rows while both silver jobs append to it: appends never conflict with an update.
    return new TableDef(DLQ, schema,
        s -> PartitionSpec.builderFor(s).identity("dlq_date").identity("bronze_source").identity("error_type").build(),
        updatedInPlace(properties("dlq", 90, "dlq_date")));
  }

  public static final String GOLD = "gold_crypto_trades";
  public static final String OHLCV_1M = "gold_ohlcv_1m";
  public static final String SEQUENCE_GAPS = "control_sequence_gaps";
  public static final String DLQ_ARCHIVE = "silver_dlq_trades_archive";

  /** Old DLQ rows moved out of the DLQ by the maintenance job; the DLQ's columns, kept forever. */
  public static TableDef dlqArchive() {
    TableDef dlq = dlq();
    return new TableDef(DLQ_ARCHIVE, dlq.schema(), s -> PartitionSpec.builderFor(s).identity("dlq_date").build(),
        properties("dlq", null, null));
  }

  /** Every table of the lake that exists for these exchanges, in the order maintenance visits them. */
  public static List<TableDef> all(List<Exchange> exchanges) {
    List<TableDef> tables = new ArrayList<>();
    exchanges.forEach(e -> tables.add(bronze(e)));
    exchanges.forEach(e -> tables.add(silver(e)));
    tables.addAll(List.of(dlq(), dlqArchive(), gold(), ohlcv1m(), sequenceGaps(), sequenceProgress(), offsetGaps()));
    return tables;
  }

  /** Every exchange's trades once per (exchange, symbol, trade_id), by UTC hour of the trade. */
  public static TableDef gold() {
    List<Types.NestedField> columns = new ArrayList<>(unifiedTrade());
    columns.add(optional(301, "exchange_date", Types.DateType.get(), "UTC date of the trade time"));
    columns.add(optional(302, "exchange_hour", Types.IntegerType.get(), "UTC hour of the trade time, 0-23"));
    return new TableDef(GOLD, new Schema(columns),
        s -> PartitionSpec.builderFor(s).identity("exchange_date").identity("exchange_hour").build(),
        s -> SortOrder.builderFor(s).asc("timestamp").asc("trade_id").build(),
        properties("gold", null, null));
  }

  /** One-minute bars per (exchange, symbol), from the de-duplicated trades. */
  public static TableDef ohlcv1m() {
    Schema schema = new Schema(
        optional(1, "exchange", Types.StringType.get()),
        optional(2, "symbol", Types.StringType.get()),
        optional(3, "currency", Types.StringType.get()),
        optional(4, "minute", Types.TimestampType.withZone(), "start of the minute, UTC"),
        optional(5, "open", Types.DecimalType.of(38, 18), "price of the first trade (by trade time, then "
            + "source_sequence, a missing one first)"),
        optional(6, "high", Types.DecimalType.of(38, 18)),
        optional(7, "low", Types.DecimalType.of(38, 18)),
        optional(8, "close", Types.DecimalType.of(38, 18), "price of the last trade (by trade time, then "
            + "source_sequence, a missing one first)"),
        optional(9, "volume", Types.DecimalType.of(38, 18), "sum of quantities; NULL if it overflows"),
        optional(10, "quote_volume", Types.DecimalType.of(38, 18), "sum of price x quantity, to 6 decimals; NULL if it overflows"),
        optional(11, "trade_count", Types.LongType.get()),
        optional(12, "vwap", Types.DecimalType.of(38, 18), "quote_volume / volume, in double precision"),
        // What it takes to add later trades to a bar without reading its minute's trades again.
        optional(13, "open_time", Types.TimestampType.withZone(), "trade time of the open"),
        optional(14, "open_sequence", Types.LongType.get(), "source_sequence of the open"),
        optional(15, "close_time", Types.TimestampType.withZone(), "trade time of the close"),
        optional(16, "close_sequence", Types.LongType.get(), "source_sequence of the close"),
        optional(17, "price_quantity_sum", Types.DoubleType.get(), "the VWAP's numerator: sum of price x quantity"),
        optional(18, "quantity_sum", Types.DoubleType.get(), "the VWAP's denominator: sum of quantities"));
    // Every batch of the gold job updates the bars of the minutes it touched, adding its trades to them: two
    // merges at once must not both add theirs (serializable makes the second fail, and its batch runs again).
    return new TableDef(OHLCV_1M, schema, s -> PartitionSpec.builderFor(s).day("minute", "bar_date").build(),
        s -> SortOrder.builderFor(s).asc("exchange").asc("symbol").asc("minute").build(),
        serializable(updatedInPlace(properties("gold", null, null))));
  }

  /** Missing trade-id ranges per (exchange, symbol); one row per gap, however often it is looked for. */
  public static TableDef sequenceGaps() {
    Schema schema = new Schema(
        optional(1, "exchange", Types.StringType.get()),
        optional(2, "symbol", Types.StringType.get()),
        optional(3, "gap_start", Types.LongType.get(), "first missing trade id"),
        optional(4, "gap_end", Types.LongType.get(), "last missing trade id"),
        optional(5, "gap_size", Types.LongType.get()),
        optional(6, "severity", Types.StringType.get(), "LOW 1-10, MEDIUM 11-100, HIGH 101-1000, CRITICAL above"),
        optional(7, "before_timestamp", Types.TimestampType.withZone(), "trade time of the trade before the gap"),
        optional(8, "after_timestamp", Types.TimestampType.withZone(), "trade time of the trade after the gap"),
        optional(9, "detected_at", Types.TimestampType.withZone()),
        optional(10, "missing_ids", Types.LongType.get(), "ids of the range gold still lacks; 0 once filled"),
        optional(11, "filled_at", Types.TimestampType.withZone(), "when gold got the last missing id; NULL while open"),
        optional(12, "updated_at", Types.TimestampType.withZone(), "when missing_ids last changed"));
    return new TableDef(SEQUENCE_GAPS, schema, s -> PartitionSpec.builderFor(s).identity("exchange").build(),
        serializable(updatedInPlace(properties("control", null, null))));
  }

  public static final String OFFSET_GAPS = "control_offset_gaps";

  /**
   * Kafka offsets a bronze job skipped because Kafka had deleted them (retention ran ahead of bronze, with
   * --fail-on-data-loss false): one row per gap, kept forever, so the loss stays on record after bronze's own
   * retention deletes the rows around it. Reconcile shows them.
   */
  public static TableDef offsetGaps() {
    Schema schema = new Schema(
        optional(1, "exchange", Types.StringType.get()),
        optional(2, "kafka_topic", Types.StringType.get()),
        optional(3, "kafka_partition", Types.IntegerType.get()),
        optional(4, "first_offset", Types.LongType.get(), "first offset lost"),
        optional(5, "last_offset", Types.LongType.get(), "last offset lost"),
        optional(6, "missing", Types.LongType.get(), "offsets lost: last_offset - first_offset + 1"),
        optional(7, "detected_at", Types.TimestampType.withZone()),
        optional(8, "detected_by", Types.StringType.get(), "the bronze job, its query and batch"));
    return new TableDef(OFFSET_GAPS, schema, s -> PartitionSpec.unpartitioned(),
        updatedInPlace(properties("control", null, null)));
  }

  public static final String SEQUENCE_PROGRESS = "control_sequence_progress";

  /**
   * Per (exchange, symbol), the highest trade id a gap check has seen and its trade time: the next check
   * compares its window's first trade with it, so an outage longer than the check's window is still a gap.
   */
  public static TableDef sequenceProgress() {
    Schema schema = new Schema(
        optional(1, "exchange", Types.StringType.get()),
        optional(2, "symbol", Types.StringType.get()),
        optional(3, "last_trade_id", Types.LongType.get()),
        optional(4, "last_timestamp", Types.TimestampType.withZone()),
        optional(5, "updated_at", Types.TimestampType.withZone()));
    return new TableDef(SEQUENCE_PROGRESS, schema, s -> PartitionSpec.unpartitioned(),
        serializable(updatedInPlace(properties("control", null, null))));
  }

  /**
   * For tables whose rows are updated while others run: merge-on-read, so an update writes delete files
   * instead of rewriting data files (copy-on-write's runtime file filter refuses to run when an append lands
   * between its scan and its filter, "the table has been concurrently modified", which a job appending every
   * few seconds makes routine), at snapshot isolation, so concurrent appends never conflict with an update.
   */
  static Map<String, String> updatedInPlace(Map<String, String> props) {
    for (String operation : List.of("merge", "update", "delete")) {
      props.put("write." + operation + ".isolation-level", "snapshot");
      props.put("write." + operation + ".mode", "merge-on-read");
    }
    return props;
  }

  /**
   * For tables whose writers add to what they read: the gap checks (gold's own and the `gaps` command, in two
   * JVMs: at snapshot isolation two checks at once both inserted the same new gap) and the bars (two copies of
   * gold would both add a batch's trades). Serializable makes the second commit fail, and its work runs again
   * ({@code SequenceGaps.detect}, the bars query's next attempt).
   */
  static Map<String, String> serializable(Map<String, String> props) {
    for (String operation : List.of("merge", "update", "delete")) {
      props.put("write." + operation + ".isolation-level", "serializable");
    }
    return props;
  }

  private static Map<String, String> from(Map<String, String> props, String sourceTable) {
    props.put(RETENTION_SOURCE, sourceTable);
    return props;
  }

  private static Map<String, String> writtenAt(Map<String, String> props, String column) {
    props.put(WRITTEN_AT_COLUMN, column);
    return props;
  }

  /** Properties every table shares, plus its layer and retention. */
  static Map<String, String> properties(String layer, Integer retentionDays, String retentionColumn) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("format-version", "2");
    props.put(LAYER, layer);
    if (retentionDays != null) {
      props.put(RETENTION_DAYS, String.valueOf(retentionDays));
      props.put(RETENTION_COLUMN, retentionColumn);
    }
    // Streaming appends are already grouped by partition; a shuffle per micro-batch would only cost time.
    props.put("write.distribution-mode", "none");
    props.put("write.spark.fanout.enabled", "true");
    props.put("write.parquet.compression-codec", "zstd");
    // Level 1: less CPU per write than the default 3, files about as large (docs/benchmarks.md, round 23).
    props.put("write.parquet.compression-level", "1");
    // Frequent triggers make many metadata files: keep the last 100, delete older ones at commit.
    props.put("write.metadata.delete-after-commit.enabled", "true");
    props.put("write.metadata.previous-versions-max", "100");
    // Several writers append to the same table (both silver jobs to the DLQ, replay to silver).
    props.put("commit.retry.num-retries", "20");
    props.put("commit.retry.min-wait-ms", "50");
    props.put(TableProperties.MAX_SNAPSHOT_AGE_MS, String.valueOf(SNAPSHOT_AGE.toMillis()));
    // BatchCommits writes a batch as a staged snapshot, then adds it in a validated commit.
    props.put("write.wap.enabled", "true");
    return props;
  }
}
