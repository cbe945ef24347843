package io.cryptolake.gold;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max;

import io.cryptolake.lake.BatchCommits;
import io.cryptolake.lake.CommitMarkers;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSql;
import io.cryptolake.lake.Tables;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.streaming.MaterializedBatch;
import io.cryptolake.streaming.MicroBatchInput;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds one batch of gold rows to the bars they fall in: the batch's own bars ({@link OhlcvStream#partials}) and
 * the table's bars of the same (exchange, symbol, minute) merged into one ({@link OhlcvStream#merged}), then
 * merged into gold_ohlcv_1m, inserting new bars and updating the others. Reading the batch's rows once and the
 * touched bars is what a batch costs; the minutes' other trades in gold are not read again.
 *
 * <p>Exactly once: the MERGE's commit records the query's writer and batch id ({@link BatchCommits}), and a
 * batch the table already has (Spark runs a batch again when it stopped after the commit and before its
 * checkpoint did) is skipped. The table's isolation is serializable, so two copies of the job cannot both add a
 * batch: the second commit fails and its batch, run again, is skipped.
 *
 * <p>A bar written before the table kept the merge columns (their NULL open_time) is computed again from all of
 * gold's trades of its minute, as every bar was then, and has them from that batch on.
 *
 * <p>Counted: corrections, bars (re)written for a minute when the symbol already had a bar for a later minute
 * (late or replayed trades), and overflows, bars with a column NULL because it does not fit decimal(38,18).
 */
final class BarWriter implements VoidFunction2<Dataset<Row>, Long> {
  private static final Logger LOG = LoggerFactory.getLogger(BarWriter.class);
  private static final String[] KEY = {"exchange", "symbol", "minute"};

  private final LakeConfig lake;
  private final LakeCatalog catalog;
  /** Each symbol's latest bar minute ("exchange|symbol"), for the corrections count; read at the first batch. */
  private Map<String, Timestamp> latestBars;

  BarWriter(LakeConfig lake, LakeCatalog catalog) {
    this.lake = lake;
    this.catalog = catalog;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    if (MicroBatchInput.none(batch)) {
      return;
    }
    String writer = BatchCommits.writer(GoldConfig.OHLCV_QUERY, batch);
    if (BatchCommits.alreadyCommitted(catalog.load(Tables.OHLCV_1M), writer, batchId)) {
      LOG.info("bars batch {}: already in {}, not merged again", batchId, Tables.OHLCV_1M);
      return;
    }
    try (MaterializedBatch partials = MaterializedBatch.of(OhlcvStream.partials(batch))) {
      Dataset<Row> keyColumns = partials.rows().select(KEY[0], KEY[1], KEY[2]);
      TouchedMinutes touched = new TouchedMinutes(keyColumns.collectAsList());
      if (touched.isEmpty()) {
        return;
      }
      SparkSession spark = batch.sparkSession();
      long corrections = corrections(spark, touched);
      Dataset<Row> keys = broadcast(spark.createDataFrame(touched.keys(), keyColumns.schema()));
      try (MaterializedBatch current = MaterializedBatch.of(spark.table(lake.qualified(Tables.OHLCV_1M)).as("t")
          .where(expr(touched.barsCondition("t"))).join(keys, KEY, "left_semi"));
          MaterializedBatch bars = MaterializedBatch.of(
              updated(spark, current.rows(), partials.rows(), keyColumns.schema()))) {
        long overflows = bars.aggregate(rows -> rows.where(OhlcvStream.overflowed()).agg(count("*"))).get(0).getLong(0);
        merge(bars.rows(), touched, writer, batchId);
        merged(touched);
        JobMetrics.add(LakeMetric.BAR_CORRECTIONS, corrections);
        JobMetrics.add(LakeMetric.BAR_OVERFLOWS, overflows);
        LOG.info("bars batch {}: {} bars brought up to date, {} corrections of closed minutes, {} with an overflow",
            batchId, touched.keys().size(), corrections, overflows);
        if (overflows > 0) {
          LOG.warn("bars batch {}: {} bars have a NULL volume, quote_volume or vwap: the value does not fit "
              + "decimal(38,18)", batchId, overflows);
        }
      }
    }
  }

  /**
   * The touched bars with the batch's trades added: the table's bars and the batch's merged, except for bars
   * written before the merge columns existed, which are computed again from gold (the batch's rows are in it).
   */
  private Dataset<Row> updated(SparkSession spark, Dataset<Row> current, Dataset<Row> partials,
      StructType keySchema) {
    List<Row> legacy = current.where(col("open_time").isNull()).select(KEY[0], KEY[1], KEY[2]).collectAsList();
    if (legacy.isEmpty()) {
      return OhlcvStream.merged(current.unionByName(partials));
    }
    Dataset<Row> legacyKeys = broadcast(spark.createDataFrame(legacy, keySchema));
    Dataset<Row> merged = OhlcvStream.merged(current.where(col("open_time").isNotNull())
        .unionByName(partials.join(legacyKeys, KEY, "left_anti")));
    LOG.info("{} bars written before the merge columns existed: computed again from gold", legacy.size());
    return merged.unionByName(OhlcvStream.partials(goldTrades(spark, new TouchedMinutes(legacy), legacyKeys)));
  }

  /** All of gold's trades of the given minutes. */
  private Dataset<Row> goldTrades(SparkSession spark, TouchedMinutes minutes, Dataset<Row> keys) {
    return spark.table(lake.qualified(Tables.GOLD)).where(minutes.goldFilter())
        .withColumn("minute", date_trunc("minute", col("timestamp")))
        .join(keys, KEY, "left_semi")
        .drop("minute");
  }

  /** Inserts new bars and replaces changed ones, in one commit that names this batch. */
  private void merge(Dataset<Row> bars, TouchedMinutes touched, String writer, long batchId) {
    String changed = Arrays.stream(bars.columns()).filter(c -> !List.of(KEY).contains(c))
        .map(c -> "t." + c + " <=> s." + c).collect(Collectors.joining(" AND ", "NOT (", ")"));
    CommitMetadata.withCommitProperties(Map.of(CommitMarkers.WRITER, writer,
        CommitMarkers.BATCH_ID, String.valueOf(batchId)), () -> {
          LakeSql.withView(bars, "bars", view -> "MERGE INTO " + lake.qualified(Tables.OHLCV_1M) + " t USING "
              + view + " s ON t.exchange = s.exchange AND t.symbol = s.symbol AND t.minute = s.minute AND "
              + touched.barsCondition("t")
              + " WHEN MATCHED AND " + changed + " THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
          return null;
        }, RuntimeException.class);
  }

  /**
   * Touched minutes before the symbol's latest bar: the bar of a minute that had closed is being corrected. The
   * latest bar of each symbol is read from the table once, at the first batch with rows, and kept up to date from
   * the bars this writer merges (the only writer of the table; a rebuild happens before the query starts), so a
   * batch does not scan the bars' latest minutes for a metric.
   */
  private long corrections(SparkSession spark, TouchedMinutes touched) {
    if (latestBars == null) {
      latestBars = new HashMap<>();
      spark.table(lake.qualified(Tables.OHLCV_1M)).groupBy("exchange", "symbol").agg(max("minute"))
          .collectAsList()
          .forEach(r -> latestBars.put(symbolKey(r.getString(0), r.getString(1)), r.getTimestamp(2)));
    }
    return touched.keys().stream().filter(k -> {
      Timestamp symbolLatest = latestBars.get(symbolKey(k.getAs("exchange"), k.getAs("symbol")));
      return symbolLatest != null && ((Timestamp) k.getAs("minute")).before(symbolLatest);
    }).count();
  }

  /** After a batch's MERGE committed: its minutes may be the symbols' latest bars now. */
  private void merged(TouchedMinutes touched) {
    touched.keys().forEach(k -> latestBars.merge(symbolKey(k.getAs("exchange"), k.getAs("symbol")),
        k.getAs("minute"), (a, b) -> a.after(b) ? a : b));
  }

  private static String symbolKey(String exchange, String symbol) {
    return exchange + "|" + symbol;
  }
}
