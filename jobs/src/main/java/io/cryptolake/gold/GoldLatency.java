package io.cryptolake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * End-to-end latency of the rows in gold: the commit time of the snapshot that added a row's data file minus
 * a time of the row (the trade time, or the producer's send time, {@code ingestion_timestamp}), from Iceberg's own metadata (entries and snapshots tables), so nothing has to be
 * timed while the pipeline runs. A row whose file a late merge or a compaction rewrote counts from the
 * rewrite, so run it before maintenance.
 */
public final class GoldLatency {
  private GoldLatency() {}

  /** Percentiles in seconds over {@code rows} gold rows. */
  public record Percentiles(long rows, double p50, double p95, double p99, double max) {
    public String summary() {
      return rows == 0 ? "no rows" : String.format("p50 %.1f s, p95 %.1f s, p99 %.1f s, max %.1f s over %,d trades",
          p50, p95, p99, max, rows);
    }
  }

  /** Trade time ({@code timestamp}) to gold. */
  public static Percentiles fromTradeTime(SparkSession spark, LakeConfig lake) {
    return measure(spark, lake, "timestamp", lit(true));
  }

  /** Trade time to gold, for trades whose trade time is in [from, to): one window of a benchmark. */
  public static Percentiles fromTradeTime(SparkSession spark, LakeConfig lake, Instant from, Instant to) {
    return measure(spark, lake, "timestamp", col("timestamp").geq(lit(Timestamp.from(from)))
        .and(col("timestamp").lt(lit(Timestamp.from(to)))));
  }

  /** The producer's send time ({@code ingestion_timestamp}, also the Kafka timestamp) to gold: the pipeline's part. */
  public static Percentiles fromSendTime(SparkSession spark, LakeConfig lake) {
    return measure(spark, lake, "ingestion_timestamp", lit(true));
  }

  private static Percentiles measure(SparkSession spark, LakeConfig lake, String fromColumn, Column rows) {
    String gold = lake.qualified(Tables.GOLD);
    Dataset<Row> added = spark.table(gold + ".entries").where(col("status").notEqual(2))
        .select(col("data_file.file_path").as("file"), col("snapshot_id"));
    Dataset<Row> commits = spark.table(gold + ".snapshots").select(col("snapshot_id"), col("committed_at"));
    Dataset<Row> latency = spark.table(gold).where(rows).select(col("_file").as("file"), col(fromColumn).as("since"))
        .join(added, "file").join(commits, "snapshot_id")
        .select(expr("(unix_micros(committed_at) - unix_micros(since)) / 1e6").as("seconds"));
    Row r = latency.agg(expr("count(*)"), expr("percentile_approx(seconds, array(0.5, 0.95, 0.99), 10000)"),
        expr("max(seconds)")).first();
    if (r.getLong(0) == 0) {
      return new Percentiles(0, 0, 0, 0, 0);
    }
    List<Double> p = r.getList(1);
    return new Percentiles(r.getLong(0), p.get(0), p.get(1), p.get(2), ((Number) r.get(2)).doubleValue());
  }
}
