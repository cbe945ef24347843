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
import io.cryptolake.streaming.EmptyCheckpoint;
import io.cryptolake.streaming.SchedulerPools;
import io.cryptolake.streaming.WholeSourceStart;
import io.cryptolake.validation.Decimals;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One-minute bars per (exchange, symbol), kept equal to what gold's trades say. Every micro-batch of gold's
 * commits (appends and late-row merges alike) adds its trades to the bars they fall in: {@link BarWriter} merges
 * the batch's own bars into gold_ohlcv_1m, which keeps with each bar what a merge needs (the open's and close's
 * trade time and sequence, the VWAP's sums). So a bar is readable as soon as its trades are in gold (no watermark
 * to wait for), a late or replayed trade corrects its bar, and an exchange that lags behind the other loses
 * nothing. Each gold row is added once: the bars query reads each gold append once, and a batch the table
 * already has (a restart after its commit) is not merged again.
 */
public final class OhlcvStream {
  /** What users read; the table's other columns are there to merge later trades into a bar. */
  static final List<String> BAR_COLUMNS = List.of("exchange", "symbol", "currency", "minute", "open", "high", "low",
      "close", "volume", "quote_volume", "trade_count", "vwap");
  private static final String PRICE_QUANTITY_SUM = "price_quantity_sum";
  private static final String QUANTITY_SUM = "quantity_sum";

  private static final Logger LOG = LoggerFactory.getLogger(OhlcvStream.class);

  private OhlcvStream() {}

  public static StreamingQuery start(SparkSession spark, LakeConfig lake, GoldConfig config) {
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    catalog.ensure(Tables.gold());
    catalog.ensure(Tables.ohlcv1m());
    String checkpoint = config.stream().checkpointFor(GoldConfig.OHLCV_CHECKPOINT);
    rebuildOverAnEmptyCheckpoint(spark, lake, checkpoint);
    WholeSourceStart.prepare(spark, lake, checkpoint, List.of(Tables.GOLD));
    // Each batch reads the bars it touches and merges them: the longer its interval, the fewer merges.
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
          .option("checkpointLocation", checkpoint)
          .foreachBatch(new BarWriter(lake, catalog))
          .start();
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not start " + GoldConfig.OHLCV_QUERY, e);
    } finally {
      spark.sparkContext().setLocalProperty(SchedulerPools.PROPERTY, pool);
    }
  }

  /**
   * A bars checkpoint that has never run a batch reads all of gold (WholeSourceStart): over bars that already hold
   * trades (a lost or deleted checkpoint), that would add every trade a second time. The bars are a function of
   * gold, so they are emptied and rebuilt from all of it.
   */
  private static void rebuildOverAnEmptyCheckpoint(SparkSession spark, LakeConfig lake, String checkpoint) {
    if (!EmptyCheckpoint.isEmpty(spark, checkpoint)) {
      return;
    }
    EmptyCheckpoint.Output bars = EmptyCheckpoint.Output.whole(lake.qualified(Tables.OHLCV_1M));
    long rows = bars.rows(spark);
    if (rows > 0) {
      LOG.warn("{}: the checkpoint {} holds no batch: deleting the {} bars of {} to rebuild them from all of gold",
          GoldConfig.OHLCV_QUERY, checkpoint, rows, bars.qualifiedTable());
      bars.empty(spark);
    }
  }

  /**
   * The bars of a set of de-duplicated trades, one per (exchange, symbol, minute). Open and close are the first
   * and last trade by trade time, ties broken by the exchange's sequence. A volume, quote volume or VWAP that
   * does not fit decimal(38,18) is NULL (never a failed query, never a partial sum); {@link BarWriter} counts
   * such bars.
   */
  static Dataset<Row> bars(Dataset<Row> trades) {
    return partials(trades).select(BAR_COLUMNS.stream().map(functions::col).toArray(Column[]::new));
  }

  /**
   * The bars of some trades with what it takes to add more trades to them later ({@link #merged}): the trade
   * time and sequence of the open and close, and the VWAP's two sums.
   */
  static Dataset<Row> partials(Dataset<Row> trades) {
    Column order = struct(col("timestamp").as("time"), col("source_sequence").as("sequence"));
    Column notional = try_multiply(col("price"), col("quantity"));
    Column priceD = col("price").cast(DataTypes.DoubleType);
    Column quantityD = col("quantity").cast(DataTypes.DoubleType);
    return withVwap(trades
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
            min(order).as("first"),
            max(order).as("last"),
            // In double from the operands: a decimal product keeps 6 decimals, too few for tiny quantities.
            sum(priceD.multiply(quantityD)).as(PRICE_QUANTITY_SUM),
            sum(quantityD).as(QUANTITY_SUM)));
  }

  /**
   * Bars of the same (exchange, symbol, minute) from different trades (the table's and a batch's) as one bar:
   * the same columns {@link #partials} computes from all of those trades at once. Prices and quantities are
   * positive, so a sum overflows exactly when one of its parts did or their total does.
   */
  static Dataset<Row> merged(Dataset<Row> partials) {
    Column opening = struct(col("open_time").as("time"), col("open_sequence").as("sequence"));
    Column closing = struct(col("close_time").as("time"), col("close_sequence").as("sequence"));
    return withVwap(partials
        .groupBy(col("exchange"), col("symbol"), col("minute"))
        .agg(first(col("currency")).as("currency"),
            min_by(col("open"), opening).as("open"),
            max(col("high")).as("high"),
            min(col("low")).as("low"),
            max_by(col("close"), closing).as("close"),
            sumOfKnown("volume"),
            sumOfKnown("quote_volume"),
            sum(col("trade_count")).as("trade_count"),
            min(opening).as("first"),
            max(closing).as("last"),
            sum(col(PRICE_QUANTITY_SUM)).as(PRICE_QUANTITY_SUM),
            sum(col(QUANTITY_SUM)).as(QUANTITY_SUM)));
  }

  /** The sum of a decimal column, NULL when a part is NULL (it overflowed) or the sum does not fit. */
  private static Column sumOfKnown(String column) {
    return when(count_if(col(column).isNull()).equalTo(0), try_sum(col(column))).try_cast(Decimals.TYPE).as(column);
  }

  /** The table's columns, in its order, from an aggregation with the open's and close's (time, sequence). */
  private static Dataset<Row> withVwap(Dataset<Row> aggregated) {
    return aggregated.select(col("exchange"), col("symbol"), col("currency"), col("minute"), col("open"),
        col("high"), col("low"), col("close"), col("volume"), col("quote_volume"), col("trade_count"),
        try_divide(col(PRICE_QUANTITY_SUM), col(QUANTITY_SUM)).try_cast(Decimals.TYPE).as("vwap"),
        col("first.time").as("open_time"), col("first.sequence").as("open_sequence"),
        col("last.time").as("close_time"), col("last.sequence").as("close_sequence"),
        col(PRICE_QUANTITY_SUM), col(QUANTITY_SUM));
  }

  /** TRUE for a bar with a column left NULL because its value overflows decimal(38,18). */
  static Column overflowed() {
    return col("volume").isNull().or(col("quote_volume").isNull()).or(col("vwap").isNull());
  }
}
