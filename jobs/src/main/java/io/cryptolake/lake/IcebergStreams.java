package io.cryptolake.lake;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Streaming reads of the lake's own tables, the same way for every layer. */
public final class IcebergStreams {
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
        .load(lake.qualified(table));
  }
}
