package io.cryptolake.gold;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import io.cryptolake.lake.BatchCommits;
import io.cryptolake.lake.CommitMarkers;
import io.cryptolake.lake.IcebergStreams;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSql;
import io.cryptolake.lake.SnapshotCounts;
import io.cryptolake.lake.Tables;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.EmptyCheckpoint;
import io.cryptolake.streaming.MaterializedBatch;
import io.cryptolake.streaming.ValueCounts;
import io.cryptolake.streaming.WholeSourceStart;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every silver table, unioned and de-duplicated on (exchange, symbol, trade_id), into gold_crypto_trades by
 * UTC date and hour of the trade, in (timestamp, trade_id) order. Each batch merges its late rows in (only
 * those whose key gold does not have), then appends its on-time rows once ({@link BatchCommits}). Exactly once
 * across restarts: the de-duplication state is checkpointed with the batch, and both writes are idempotent.
 */
public final class GoldStream {
  private static final Logger LOG = LoggerFactory.getLogger(GoldStream.class);
  static final String DISPOSITION = "disposition";
  private static final String INGESTION = "ingestion_timestamp";

  private static final String NO_DATA_BATCHES = "spark.sql.streaming.noDataMicroBatches.enabled";

  private GoldStream() {}

  /**
   * What the job writes, for {@link EmptyCheckpoint}: gold, then the bars (made from gold's rows, rebuilt by
   * the bars query as gold is rebuilt). The gaps tables keep their history.
   */
  public static List<EmptyCheckpoint.Output> outputs(LakeConfig lake) {
    return List.of(EmptyCheckpoint.Output.whole(lake.qualified(Tables.GOLD)),
        EmptyCheckpoint.Output.whole(lake.qualified(Tables.OHLCV_1M)));
  }

  public static StreamingQuery start(SparkSession spark, LakeConfig lake, GoldConfig config) {
    return start(spark, lake, config, stats -> {});
  }

  public static StreamingQuery start(SparkSession spark, LakeConfig lake, GoldConfig config,
      Consumer<GoldBatchStats> statsListener) {
    return start(spark, lake, config, statsListener, DeduplicationLayout.PER_SYMBOL);
  }

  /** {@code newCheckpoint}: the state's layout if the checkpoint has none yet (a test starts the per-key one). */
  static StreamingQuery start(SparkSession spark, LakeConfig lake, GoldConfig config,
      Consumer<GoldBatchStats> statsListener, DeduplicationLayout newCheckpoint) {
    JobMetrics.set(LakeMetric.STATE_ROWS_BOUND, config.stateRowsBound());
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    catalog.ensure(Tables.gold());
    Dataset<Row> silver = null;
    for (Exchange exchange : Exchange.values()) {
      catalog.ensure(Tables.silver(exchange));
      Dataset<Row> one = IcebergStreams.appends(spark, lake, Tables.silverName(exchange), config.maxFilesPerTrigger(),
          config.stream().sourcePollInterval())
          .select(unifiedColumns());
      silver = silver == null ? one : silver.unionByName(one);
    }
    // The producer's ingestion time may be any long. As a java.sql.Timestamp, which the function's rows carry,
    // an extreme one overflows in every retry; it crosses the function as microseconds instead.
    Dataset<Row> micros = silver.withColumn(INGESTION, unix_micros(col(INGESTION)));
    String checkpoint = config.stream().checkpointFor(GoldConfig.JOB_NAME);
    DeduplicationLayout layout = DeduplicationLayout.of(spark, checkpoint, newCheckpoint);
    LOG.info("gold: de-duplication state {} ({})", layout, checkpoint);
    Dataset<Row> decided = deduplicated(spark, micros, layout, config.expiryChecks())
        .withColumn(INGESTION, timestamp_micros(col(INGESTION)));
    // The union above reads the silver tables in this order, and Spark numbers its sources so.
    WholeSourceStart.prepare(spark, lake, checkpoint,
        Arrays.stream(Exchange.values()).map(Tables::silverName).toList());
    try {
      return withoutEmptyBatches(spark, () -> decided.writeStream()
          .queryName(GoldConfig.JOB_NAME)
          .trigger(config.stream().sourceTrigger())
          .option("checkpointLocation", checkpoint)
          .foreachBatch(new BatchWriter(lake, catalog, statsListener))
          .start());
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not start the gold job", e);
    }
  }

  /**
   * Starts the query without Spark's no-data batches. With processing-time timeouts Spark runs one on every
   * trigger, data or not (about 6 s each on the benchmark, with a state commit, and the data batches wait behind
   * them); all they do here is expire keys, which the next batch with data does as well. A key therefore leaves
   * the state one data batch after the watermark passes it. The query clones the session's settings when it
   * is created, so the setting is this query's alone.
   */
  private static StreamingQuery withoutEmptyBatches(SparkSession spark, QueryStart start) throws TimeoutException {
    String previous = spark.conf().get(NO_DATA_BATCHES, "true");
    spark.conf().set(NO_DATA_BATCHES, "false");
    try {
      return start.start();
    } finally {
      spark.conf().set(NO_DATA_BATCHES, previous);
    }
  }

  private interface QueryStart {
    StreamingQuery start() throws TimeoutException;
  }

  /**
   * With one shuffle partition (the product's default) the de-duplication state is one partition, and Spark
   * would still shuffle every batch into it: each row serialised, compressed, written to the executor's disk
   * and read back. Read in one task instead, the batch already is that one partition and Spark plans no shuffle
   * before the state operator (a single partition satisfies its distribution; the watermark's operator does not
   * pass its child's partitioning on, so the batch is coalesced after it). The state is the same operator's,
   * keyed the same way, in the same one partition, so a checkpoint written with the shuffle goes on without it.
   * With more partitions (a cluster, or a checkpoint that started with more, which Spark keeps), the batch is
   * shuffled as before.
   */
  private static Dataset<Row> oneTaskForOneStatePartition(SparkSession spark, Dataset<Row> batch) {
    return Integer.parseInt(spark.conf().get(SQLConf.SHUFFLE_PARTITIONS().key())) == 1 ? batch.coalesce(1) : batch;
  }

  /** The unified columns every silver table has. */
  static Column[] unifiedColumns() {
    return Tables.unifiedTradeColumns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
  }

  /** Every row with its {@link Disposition}, in the state's layout. */
  static Dataset<Row> deduplicated(SparkSession spark, Dataset<Row> rows, DeduplicationLayout layout,
      ExpiryChecks checks) {
    return layout == DeduplicationLayout.PER_KEY ? perKey(spark, rows, checks) : perSymbol(spark, rows, checks);
  }

  /** One state entry per (exchange, symbol), keyed also by trade_id for a row without a source_sequence. */
  static Dataset<Row> perSymbol(SparkSession spark, Dataset<Row> rows, ExpiryChecks checks) {
    StructType input = rows.schema();
    StructType key = new StructType().add("exchange", DataTypes.StringType).add("symbol", DataTypes.StringType)
        .add("trade_id", DataTypes.StringType);
    Column withoutSequence = when(col("source_sequence").isNull(), coalesce(col("trade_id"), lit("null")));
    return watermarked(spark, rows, checks)
        .groupBy(col("exchange"), col("symbol"), withoutSequence.as("trade_id"))
        .as(Encoders.row(key), Encoders.row(input))
        .flatMapGroupsWithState(new PerSymbolDeduplicator(checks, input.fieldIndex("timestamp"),
                input.fieldIndex("source_sequence")),
            OutputMode.Append(), Encoders.BINARY(), Encoders.row(input.add(DISPOSITION, DataTypes.StringType)),
            GroupStateTimeout.ProcessingTimeTimeout());
  }

  /** One state entry per key, {@link #deduplicationKey()}: checkpoints started before the per-symbol layout. */
  static Dataset<Row> perKey(SparkSession spark, Dataset<Row> rows, ExpiryChecks checks) {
    StructType input = rows.schema();
    return watermarked(spark, rows, checks)
        .groupBy(deduplicationKey().as("value"))
        .as(Encoders.STRING(), Encoders.row(input))
        .flatMapGroupsWithState(new PerKeyDeduplicator(checks, input.fieldIndex("timestamp")),
            OutputMode.Append(), Encoders.LONG(), Encoders.row(input.add(DISPOSITION, DataTypes.StringType)),
            GroupStateTimeout.ProcessingTimeTimeout());
  }

  private static Dataset<Row> watermarked(SparkSession spark, Dataset<Row> rows, ExpiryChecks checks) {
    return oneTaskForOneStatePartition(spark,
        rows.withWatermark("timestamp", checks.watermarkDelayMs() + " milliseconds"));
  }

  /**
   * The de-duplication key, "exchange|symbol|trade_id" ("null" for a missing part), as a column expression: a
   * key function turned every row into a Java object first. The state holds these strings, keyed "value" as the
   * function's were, so the text must not change (running checkpoints hold it).
   */
  static Column deduplicationKey() {
    return concat(Stream.of("exchange", "symbol", "trade_id")
        .flatMap(name -> Stream.of(lit("|"), coalesce(col(name), lit("null")))).skip(1).toArray(Column[]::new));
  }

  /** Merges the late rows, appends the new ones, counts everything. */
  private static final class BatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private static final ValueCounts DISPOSITIONS = new ValueCounts(col(DISPOSITION),
        Arrays.stream(Disposition.values()).map(Disposition::name).toList());
    private final LakeConfig lake;
    private final LakeCatalog catalog;
    private final Consumer<GoldBatchStats> statsListener;

    BatchWriter(LakeConfig lake, LakeCatalog catalog, Consumer<GoldBatchStats> statsListener) {
      this.lake = lake;
      this.catalog = catalog;
      this.statsListener = statsListener;
    }

    @Override
    public void call(Dataset<Row> batch, Long batchId) throws Exception {
      String writer = BatchCommits.writer(GoldConfig.JOB_NAME, batch);
      try (MaterializedBatch materialized = MaterializedBatch.of(batch
          .withColumn("exchange_date", to_date(col("timestamp")))
          .withColumn("exchange_hour", hour(col("timestamp"))), DISPOSITIONS.metrics())) {
        Dataset<Row> rows = materialized.rows();
        // Counted as the batch was kept; a disposition gold does not know would be counted by a job instead.
        Map<String, Long> counts = DISPOSITIONS.read(materialized.observed(), 0)
            .orElseGet(() -> countByDisposition(materialized));
        long fresh = counts.getOrDefault(Disposition.NEW.name(), 0L);
        long late = counts.getOrDefault(Disposition.LATE.name(), 0L);
        long duplicates = counts.getOrDefault(Disposition.DUPLICATE.name(), 0L);
        String table = lake.qualified(Tables.GOLD);
        Table gold = catalog.load(Tables.GOLD);
        // Late rows first: a symbol's late rows hold lower ids than its new ones, so a reader between the two
        // commits (the gap check, a query) sees gold without the newest ids, never with a hole below them.
        long lateInserted = late == 0 ? 0 : mergeLate(rows, table, gold);
        if (fresh > 0) {
          BatchCommits.appendClusteredOnce(ordered(rows, Disposition.NEW), table, gold, writer, batchId, Map.of(
              CommitMarkers.DUPLICATES_REMOVED, String.valueOf(duplicates)));
        }
        GoldBatchStats stats = new GoldBatchStats(batchId, fresh + late + duplicates, fresh, duplicates, late,
            lateInserted);
        if (stats.rowsIn() > 0) {
          LOG.info(stats.logLine());
        } else {
          LOG.debug(stats.logLine());
        }
        if (late > 0) {
          LOG.warn("gold batch {}: {} rows arrived later than the de-duplication watermark; {} were written "
              + "through, {} were already in gold", batchId, late, lateInserted, late - lateInserted);
        }
        stats.publish();
        statsListener.accept(stats);
      }
    }

    /**
     * Late rows go in only when gold does not have their key, so a replayed batch changes nothing. Spark plans
     * an insert-only MERGE as an anti-join of the late rows against gold, which prunes nothing by itself: the
     * literal (exchange_date, exchange_hour) pairs of the late rows in the condition ({@link GoldHours}) make it
     * read only those partitions of gold, which is never deleted and only grows.
     */
    private long mergeLate(Dataset<Row> rows, String table, Table gold) {
      Dataset<Row> late = ordered(rows, Disposition.LATE);
      String hours = GoldHours.sql(late.select("exchange_date", "exchange_hour").distinct().collectAsList().stream()
          .map(h -> new GoldHours.Hour(h.getDate(0).toLocalDate(), h.getInt(1))).toList(), "t");
      gold.refresh();
      Long before = gold.currentSnapshot() == null ? null : gold.currentSnapshot().snapshotId();
      CommitMetadata.withCommitProperties(Map.of(CommitMarkers.LATE_MERGE, "true"), () -> {
        LakeSql.withView(late, "gold_late", view -> "MERGE INTO " + table + " t USING " + view + " s ON " + hours
            + " AND t.exchange_date = s.exchange_date AND t.exchange_hour = s.exchange_hour "
            + "AND t.exchange = s.exchange AND t.symbol = s.symbol AND t.trade_id = s.trade_id "
            + "WHEN NOT MATCHED THEN INSERT *");
        return null;
      }, RuntimeException.class);
      gold.refresh();
      if (gold.currentSnapshot() == null || java.util.Objects.equals(before, gold.currentSnapshot().snapshotId())) {
        return 0;
      }
      return SnapshotCounts.of(gold.currentSnapshot(), SnapshotSummary.ADDED_RECORDS_PROP);
    }

    private static Dataset<Row> ordered(Dataset<Row> rows, Disposition disposition) {
      return rows.where(col(DISPOSITION).equalTo(disposition.name())).drop(DISPOSITION)
          .sortWithinPartitions("exchange_date", "exchange_hour", "timestamp", "trade_id");
    }

    private static Map<String, Long> countByDisposition(MaterializedBatch batch) {
      List<Row> counts = batch.aggregate(rows -> rows.groupBy(DISPOSITION).agg(count("*")));
      Map<String, Long> byDisposition = new java.util.HashMap<>();
      counts.forEach(r -> byDisposition.put(r.getString(0), r.getLong(1)));
      return byDisposition;
    }
  }
}
