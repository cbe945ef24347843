package io.cryptolake.lake;

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

  private IcebergStreams() {}

  /**
   * The table's appends as a stream, at most {@code maxFiles} data files per micro-batch. Snapshots that
   * delete or rewrite rows (retention, compaction, a MERGE) add no new records and are skipped.
   */
  public static Dataset<Row> appends(SparkSession spark, LakeConfig lake, String table, int maxFiles) {
    return spark.readStream()
        .format("iceberg")
        .option("streaming-max-files-per-micro-batch", maxFiles)
        .option("streaming-skip-delete-snapshots", "true")
        .option("streaming-skip-overwrite-snapshots", "true")
        .option("split-size", SPLIT_BYTES)
        .load(lake.qualified(table));
  }
}
