package io.cryptolake.lake;

import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.SparkReadOptions;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The rows appended to a lake table after one of its snapshots, by Iceberg's incremental append read: the rows
 * of the append snapshots since then (the lake's writes of new rows, late rows' inserts included), not those
 * of snapshots that only delete or rewrite (retention, compaction).
 */
public final class AppendedRows {
  private AppendedRows() {}

  /**
   * Rows of {@code name} ({@code table}, loaded) appended after snapshot {@code since} up to the current one;
   * none when {@code since} is the current snapshot. Empty when they cannot be known: {@code since} null,
   * expired, or not an ancestor of the current snapshot.
   */
  public static Optional<Dataset<Row>> since(SparkSession spark, LakeConfig lake, String name, Table table,
      Long since) {
    Dataset<Row> all = spark.table(lake.qualified(name));
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      return Optional.of(all.limit(0));
    }
    if (since == null || table.snapshot(since) == null || !SnapshotUtil.isAncestorOf(table, current.snapshotId(),
        since)) {
      return Optional.empty();
    }
    if (since == current.snapshotId()) {
      return Optional.of(all.limit(0));
    }
    return Optional.of(spark.read().format("iceberg")
        .option(SparkReadOptions.START_SNAPSHOT_ID, since)
        .option(SparkReadOptions.END_SNAPSHOT_ID, current.snapshotId())
        .load(lake.qualified(name)));
  }
}
