package io.cryptolake.gold;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.max;

import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSql;
import io.cryptolake.lake.Tables;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the bars one batch of gold rows touches up to date: computes each touched (exchange, symbol, minute)
 * again from all of gold's trades of that minute and merges the result into gold_ohlcv_1m, inserting new bars
 * and updating changed ones. A bar is a function of gold's rows, so running a batch twice, or out of order,
 * gives the same table; nothing is held in state.
 *
 * <p>Counted: corrections, bars (re)written for a minute when the symbol already had a bar for a later minute
 * (late or replayed trades), and overflows, bars with a column NULL because it does not fit decimal(38,18).
 */
final class BarWriter implements VoidFunction2<Dataset<Row>, Long> {
  private static final Logger LOG = LoggerFactory.getLogger(BarWriter.class);
  private static final List<String> VALUE_COLUMNS = List.of("currency", "open", "high", "low", "close", "volume",
      "quote_volume", "trade_count", "vwap");

  private final LakeConfig lake;

  BarWriter(LakeConfig lake) {
    this.lake = lake;
  }

  @Override
  public void call(Dataset<Row> batch, Long batchId) {
    Dataset<Row> touchedKeys = batch
        .select(col("exchange"), col("symbol"), date_trunc("minute", col("timestamp")).as("minute")).distinct();
    TouchedMinutes touched = new TouchedMinutes(touchedKeys.collectAsList());
    if (touched.isEmpty()) {
      return;
    }
    SparkSession spark = batch.sparkSession();
    long corrections = corrections(spark, touched);
    Dataset<Row> keys = spark.createDataFrame(touched.keys(), touchedKeys.schema());
    Dataset<Row> trades = spark.table(lake.qualified(Tables.GOLD)).where(touched.goldFilter())
        .withColumn("minute", date_trunc("minute", col("timestamp")))
        .join(broadcast(keys), new String[] {"exchange", "symbol", "minute"}, "left_semi")
        .drop("minute");
    Dataset<Row> bars = OhlcvStream.bars(trades).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long overflows = bars.where(OhlcvStream.overflowed()).count();
      String unchanged = VALUE_COLUMNS.stream().map(c -> "t." + c + " <=> s." + c).collect(Collectors.joining(" AND "));
      LakeSql.withView(bars, "bars", view -> "MERGE INTO " + lake.qualified(Tables.OHLCV_1M) + " t USING " + view
          + " s ON t.exchange = s.exchange AND t.symbol = s.symbol AND t.minute = s.minute AND "
          + touched.barsCondition("t")
          + " WHEN MATCHED AND NOT (" + unchanged + ") THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
      JobMetrics.add(LakeMetric.BAR_CORRECTIONS, corrections);
      JobMetrics.add(LakeMetric.BAR_OVERFLOWS, overflows);
      LOG.info("bars batch {}: {} bars brought up to date, {} corrections of closed minutes, {} with an overflow",
          batchId, touched.keys().size(), corrections, overflows);
      if (overflows > 0) {
        LOG.warn("bars batch {}: {} bars have a NULL volume, quote_volume or vwap: the value does not fit "
            + "decimal(38,18)", batchId, overflows);
      }
    } finally {
      bars.unpersist();
    }
  }

  /** Touched minutes before the symbol's latest bar: the bar of a minute that had closed is being corrected. */
  private long corrections(SparkSession spark, TouchedMinutes touched) {
    Map<String, Timestamp> latest = new HashMap<>();
    spark.table(lake.qualified(Tables.OHLCV_1M))
        .where(col("minute").geq(Timestamp.from(touched.earliest())))
        .groupBy("exchange", "symbol").agg(max("minute"))
        .collectAsList()
        .forEach(r -> latest.put(r.getString(0) + "|" + r.getString(1), r.getTimestamp(2)));
    return touched.keys().stream().filter(k -> {
      Timestamp symbolLatest = latest.get(k.getAs("exchange") + "|" + k.getAs("symbol"));
      return symbolLatest != null && ((Timestamp) k.getAs("minute")).before(symbolLatest);
    }).count();
  }
}
