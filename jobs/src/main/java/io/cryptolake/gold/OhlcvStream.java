package io.cryptolake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.window;

import io.cryptolake.lake.IcebergStreams;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.validation.Decimals;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;

/**
 * One-minute bars per (exchange, symbol) from gold's de-duplicated trades, written once each when the
 * watermark passes the end of the minute (append mode). Open and close are the first and last trade by trade
 * time, ties broken by trade id. A trade later than the watermark is in gold but not in its bar; Spark counts
 * it in the query's progress (numRowsDroppedByWatermark).
 */
public final class OhlcvStream {
  private OhlcvStream() {}

  public static StreamingQuery start(SparkSession spark, LakeConfig lake, GoldConfig config) {
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    catalog.ensure(Tables.gold());
    catalog.ensure(Tables.ohlcv1m());
    Dataset<Row> trades = IcebergStreams.appends(spark, lake, Tables.GOLD, config.maxFilesPerTrigger());
    try {
      return bars(trades.withWatermark("timestamp", config.watermarkDelay().toMillis() + " milliseconds"))
          .writeStream()
          .format("iceberg")
          .outputMode("append")
          .queryName(GoldConfig.OHLCV_QUERY)
          .trigger(config.stream().trigger())
          .option("checkpointLocation", config.stream().checkpointFor(GoldConfig.OHLCV_QUERY))
          .option("fanout-enabled", "true")
          .toTable(lake.qualified(Tables.OHLCV_1M));
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not start " + GoldConfig.OHLCV_QUERY, e);
    }
  }

  /** The bars of a stream (or a batch) of de-duplicated trades. */
  static Dataset<Row> bars(Dataset<Row> trades) {
    Column order = struct(col("timestamp"), col("source_sequence"));
    Column notional = col("price").multiply(col("quantity"));
    Column volume = sum(col("quantity"));
    Column quoteVolume = sum(notional);
    return trades
        .groupBy(window(col("timestamp"), "1 minute"), col("exchange"), col("symbol"))
        .agg(first(col("currency")).as("currency"),
            min_by(col("price"), order).as("open"),
            max(col("price")).as("high"),
            min(col("price")).as("low"),
            max_by(col("price"), order).as("close"),
            volume.cast(Decimals.TYPE).as("volume"),
            quoteVolume.cast(Decimals.TYPE).as("quote_volume"),
            count("*").as("trade_count"),
            // In double from the operands: a decimal product keeps 6 decimals, too few for tiny quantities.
            sum(col("price").cast(DataTypes.DoubleType).multiply(col("quantity").cast(DataTypes.DoubleType)))
                .divide(sum(col("quantity").cast(DataTypes.DoubleType))).cast(Decimals.TYPE).as("vwap"))
        .select(col("exchange"), col("symbol"), col("currency"), col("window.start").as("minute"), col("open"),
            col("high"), col("low"), col("close"), col("volume"), col("quote_volume"), col("trade_count"),
            col("vwap"));
  }
}
