package io.cryptolake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.try_divide;
import static org.apache.spark.sql.functions.try_multiply;
import static org.apache.spark.sql.functions.try_sum;
import static org.apache.spark.sql.functions.when;

import io.cryptolake.lake.IcebergStreams;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.metrics.QueryTriggers;
import io.cryptolake.streaming.SchedulerPools;
import io.cryptolake.validation.Decimals;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;

/**
 * One-minute bars per (exchange, symbol), kept equal to what gold's trades say. Every micro-batch of gold's
 * commits (appends and late-row merges alike) names the bars it touches; {@link BarWriter} computes those bars
 * again from gold and merges them into gold_ohlcv_1m. So a bar is readable as soon as its trades are in gold
 * (no watermark to wait for), a late or replayed trade corrects its bar, and an exchange that lags behind the
 * other loses nothing: there is no watermark at all.
 */
public final class OhlcvStream {
  private OhlcvStream() {}

  public static StreamingQuery start(SparkSession spark, LakeConfig lake, GoldConfig config) {
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    catalog.ensure(Tables.gold());
    catalog.ensure(Tables.ohlcv1m());
    // Each batch computes the minutes it touches again from all of gold's trades of those minutes: the longer
    // its interval, the fewer times a minute is computed (about once per interval, and once after it closes).
    Duration every = config.barsInterval();
    QueryTriggers.ofQuery(GoldConfig.OHLCV_QUERY, every);
    Dataset<Row> trades = IcebergStreams.appends(spark, lake, Tables.GOLD, config.maxFilesPerTrigger(), every);
    // A pool of its own (the stream thread inherits it): with the fair scheduler, the trades' tasks take turns
    // with a long bars batch's on the job's cores instead of waiting for all of it.
    String pool = spark.sparkContext().getLocalProperty(SchedulerPools.PROPERTY);
    spark.sparkContext().setLocalProperty(SchedulerPools.PROPERTY, GoldConfig.OHLCV_QUERY);
    try {
      return trades.writeStream()
          .queryName(GoldConfig.OHLCV_QUERY)
          .trigger(Trigger.ProcessingTime(every.toMillis()))
          // A checkpoint of its own, not the one of the earlier append-mode aggregation: its state would not fit.
          .option("checkpointLocation", config.stream().checkpointFor(GoldConfig.OHLCV_CHECKPOINT))
          .foreachBatch(new BarWriter(lake))
          .start();
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not start " + GoldConfig.OHLCV_QUERY, e);
    } finally {
      spark.sparkContext().setLocalProperty(SchedulerPools.PROPERTY, pool);
    }
  }

  /**
   * The bars of a set of de-duplicated trades, one per (exchange, symbol, minute). Open and close are the first
   * and last trade by trade time, ties broken by trade id. A volume, quote volume or VWAP that does not fit
   * decimal(38,18) is NULL (never a failed query, never a partial sum); {@link BarWriter} counts such bars.
   */
  static Dataset<Row> bars(Dataset<Row> trades) {
    Column order = struct(col("timestamp"), col("source_sequence"));
    Column notional = try_multiply(col("price"), col("quantity"));
    Column priceD = col("price").cast(DataTypes.DoubleType);
    Column quantityD = col("quantity").cast(DataTypes.DoubleType);
    return trades
        .groupBy(col("exchange"), col("symbol"), date_trunc("minute", col("timestamp")).as("minute"))
        .agg(first(col("currency")).as("currency"),
            min_by(col("price"), order).as("open"),
            max(col("price")).as("high"),
            min(col("price")).as("low"),
            max_by(col("price"), order).as("close"),
            try_sum(col("quantity")).try_cast(Decimals.TYPE).as("volume"),
            // One product that overflows makes the whole sum unknown, not a smaller number.
            when(count_if(notional.isNull()).equalTo(0), try_sum(notional)).try_cast(Decimals.TYPE).as("quote_volume"),
            count("*").as("trade_count"),
            // In double from the operands: a decimal product keeps 6 decimals, too few for tiny quantities.
            try_divide(sum(priceD.multiply(quantityD)), sum(quantityD)).try_cast(Decimals.TYPE).as("vwap"))
        .select(col("exchange"), col("symbol"), col("currency"), col("minute"), col("open"), col("high"),
            col("low"), col("close"), col("volume"), col("quote_volume"), col("trade_count"), col("vwap"));
  }

  /** TRUE for a bar with a column left NULL because its value overflows decimal(38,18). */
  static Column overflowed() {
    return col("volume").isNull().or(col("quote_volume").isNull()).or(col("vwap").isNull());
  }
}
