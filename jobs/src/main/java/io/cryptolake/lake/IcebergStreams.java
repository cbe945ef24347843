package io.cryptolake.lake;

import java.time.Duration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Streaming reads of the lake's own tables, the same way for every layer. */
public final class IcebergStreams {
  /**
   * Iceberg packs a batch's files into 128 MB splits by default, which puts a whole micro-batch of small files
   * into one task on one core. A split of one small file (the size Iceberg already charges for opening one)
   * lets Spark spread them; a job that writes per task coalesces them back to its cores.
   */
  private static final long SPLIT_BYTES = 4L << 20;
  private static final Duration MIN_POLL = Duration.ofMillis(200);

  private IcebergStreams() {}

  /**
   * The table's appends as a stream, at most {@code maxFiles} data files per micro-batch. Snapshots that
   * delete or rewrite rows (retention, compaction, a MERGE) add no new records and are skipped.
   *
   * <p>Iceberg 1.11's asynchronous micro-batch planner (a background thread that looks for new snapshots and
   * plans their files while the current batch runs) is off, Iceberg's default: under load it took the 0.1-0.3 s
   * of {@code latestOffset} and planning a batch still has and moved nothing end to end (docs/benchmarks.md,
   * round 31), and in one run with it GoldStreamTest took 144 s instead of 88 s. An operator can turn it on with
   * {@code --conf spark.sql.iceberg.async-micro-batch-planning-enabled=true} (CRYPTOLAKE_SPARK_CONF); it then
   * looks every {@code trigger}, not every 30 s (its default, which would hold new rows back that long).
   */
  public static Dataset<Row> appends(SparkSession spark, LakeConfig lake, String table, int maxFiles,
      Duration trigger) {
    Duration poll = trigger.compareTo(MIN_POLL) < 0 ? MIN_POLL : trigger;
    return spark.readStream()
        .format("iceberg")
        .option("streaming-max-files-per-micro-batch", maxFiles)
        .option("streaming-skip-delete-snapshots", "true")
        .option("streaming-skip-overwrite-snapshots", "true")
        .option("split-size", SPLIT_BYTES)
        .option("streaming-snapshot-polling-interval-ms", poll.toMillis())
        .load(lake.qualified(table));
  }
}
