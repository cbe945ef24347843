package io.cryptolake.lake;

import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Idempotent appends from a micro-batch: each commit records its writer (job name and streaming query id)
 * and batch id in the Iceberg snapshot summary, and a batch that a table already has is not appended again.
 * This is what lets a job write two tables per batch and survive a crash between the two writes.
 */
public final class BatchCommits {
  /** Spark sets this local property on the thread that runs a streaming query's batches. */
  private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

  private BatchCommits() {}

  /**
   * The writer id of a job's micro-batch: the job name and its streaming query id, which stays the same across
   * restarts from one checkpoint and changes with a new checkpoint (whose batch ids start again at 0).
   */
  public static String writer(String job, Dataset<Row> batch) {
    return job + ":" + batch.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
  }

  /** True when the table's history already has this writer's commit of this batch (or a later one). */
  public static boolean alreadyCommitted(Table table, String writer, long batchId) {
    table.refresh();
    if (table.currentSnapshot() == null) {
      return false;
    }
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      if (writer.equals(snapshot.summary().get(CommitMarkers.WRITER))) {
        return Long.parseLong(snapshot.summary().get(CommitMarkers.BATCH_ID)) >= batchId;
      }
    }
    return false;
  }

  /**
   * Appends the rows as this writer's commit of the batch, unless the table already has it. Extra summary
   * entries (counts) are recorded with the commit. Returns whether it wrote. Iceberg's fanout writer keeps a
   * file open per partition a task meets, so the rows may come in any order.
   */
  public static boolean appendOnce(Dataset<Row> rows, String qualifiedTable, Table table, String writer,
      long batchId, Map<String, String> summary) throws Exception {
    return append(rows, qualifiedTable, table, writer, batchId, summary, true);
  }

  /**
   * As {@link #appendOnce}, for rows sorted by the table's partition columns within each task: Iceberg writes
   * one partition's file at a time. The fanout writer keeps a Parquet writer (about 1 MB of buffers per column)
   * open for every partition a task meets: a catch-up batch across hundreds of gold hours ran a 1 GB executor
   * out of heap.
   */
  public static boolean appendClusteredOnce(Dataset<Row> rows, String qualifiedTable, Table table, String writer,
      long batchId, Map<String, String> summary) throws Exception {
    return append(rows, qualifiedTable, table, writer, batchId, summary, false);
  }

  private static boolean append(Dataset<Row> rows, String qualifiedTable, Table table, String writer,
      long batchId, Map<String, String> summary, boolean fanout) throws Exception {
    if (alreadyCommitted(table, writer, batchId)) {
      return false;
    }
    var write = rows.writeTo(qualifiedTable)
        .option("fanout-enabled", String.valueOf(fanout))
        .option("snapshot-property." + CommitMarkers.WRITER, writer)
        .option("snapshot-property." + CommitMarkers.BATCH_ID, String.valueOf(batchId));
    for (Map.Entry<String, String> e : summary.entrySet()) {
      write = write.option("snapshot-property." + e.getKey(), e.getValue());
    }
    write.append();
    return true;
  }
}
