package io.cryptolake.gaps;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * Missing trade ids per (exchange, symbol) over a window of trade time: trade ids are consecutive per symbol
 * on both exchanges, so a step of more than one between neighbours (by id) is a gap of that many ids minus
 * one. Found gaps are merged into control_sequence_gaps on (exchange, symbol, gap_start): a second run over
 * the same data adds nothing. Gaps before the first or after the last trade in the window cannot be seen.
 */
public final class SequenceGaps {
  private SequenceGaps() {}

  /** The run's outcome: gaps found in the window, and how many of them were new to the table. */
  public record Result(List<Row> found, long added) {}

  public static Result detect(SparkSession spark, LakeConfig lake, Instant from, Instant to) {
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    catalog.ensure(Tables.gold());
    Table gapsTable = catalog.ensure(Tables.sequenceGaps());
    Dataset<Row> trades = spark.table(lake.qualified(Tables.GOLD));
    if (from != null) {
      trades = trades.where(col("timestamp").geq(lit(Timestamp.from(from))));
    }
    if (to != null) {
      trades = trades.where(col("timestamp").lt(lit(Timestamp.from(to))));
    }
    Dataset<Row> gaps = gaps(trades).cache();
    List<Row> found = gaps.orderBy("exchange", "symbol", "gap_start").collectAsList();
    String view = "sequence_gaps_" + Math.abs(System.nanoTime());
    gaps.createOrReplaceTempView(view);
    long before = rowCount(gapsTable);
    spark.sql("MERGE INTO " + lake.qualified(Tables.SEQUENCE_GAPS) + " t USING " + view + " s "
        + "ON t.exchange = s.exchange AND t.symbol = s.symbol AND t.gap_start = s.gap_start "
        + "WHEN NOT MATCHED THEN INSERT *");
    spark.catalog().dropTempView(view);
    gaps.unpersist();
    return new Result(found, rowCount(gapsTable) - before);
  }

  /** The gaps between consecutive trade ids of each (exchange, symbol), with their severity. */
  static Dataset<Row> gaps(Dataset<Row> trades) {
    var bySymbol = Window.partitionBy("exchange", "symbol").orderBy("source_sequence");
    Column previous = lag(col("source_sequence"), 1).over(bySymbol);
    Column previousTime = lag(col("timestamp"), 1).over(bySymbol);
    Column size = col("source_sequence").minus(col("previous_id")).minus(1);
    return trades.select(col("exchange"), col("symbol"), col("source_sequence"), col("timestamp"),
            previous.as("previous_id"), previousTime.as("previous_time"))
        .where(col("previous_id").isNotNull().and(size.gt(0)))
        .select(col("exchange"), col("symbol"),
            col("previous_id").plus(1).as("gap_start"),
            col("source_sequence").minus(1).as("gap_end"),
            size.as("gap_size"),
            severity(size).as("severity"),
            col("previous_time").as("before_timestamp"),
            col("timestamp").as("after_timestamp"),
            current_timestamp().as("detected_at"));
  }

  /** 1-10 LOW, 11-100 MEDIUM, 101-1000 HIGH, above 1000 CRITICAL. */
  static Column severity(Column size) {
    return when(size.leq(10), lit("LOW")).when(size.leq(100), lit("MEDIUM")).when(size.leq(1000), lit("HIGH"))
        .otherwise(lit("CRITICAL"));
  }

  private static long rowCount(Table table) {
    table.refresh();
    return table.currentSnapshot() == null ? 0
        : Long.parseLong(table.currentSnapshot().summary().getOrDefault("total-records", "0"));
  }
}
