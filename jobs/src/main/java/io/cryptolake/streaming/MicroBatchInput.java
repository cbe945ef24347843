package io.cryptolake.streaming;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;

/**
 * What a {@code foreachBatch} writer can know of its micro-batch on the driver, before any Spark job. Spark hands
 * the writer the batch's planned RDD (a {@link LogicalRDD} over the query's physical plan), whose partitions are
 * the sources' input partitions when the plan has no shuffle: none means no rows.
 *
 * <p>Spark runs batch 0 of every query even when its sources are empty (there is no committed offset to compare
 * with), and a batch over snapshots a streaming read of an Iceberg table skips (a compaction's) may plan no file
 * either. Planning, compiling and running a transform over such a batch took silver's batch 0 22 s of a cold start,
 * and its tasks held the two task slots while bronze's first tasks, which had rows, waited (docs/benchmarks.md,
 * rounds 32 and 33).
 */
public final class MicroBatchInput {
  private MicroBatchInput() {}

  /**
   * True when the batch certainly holds no rows: its plan, read by a shuffle-free query, has no input partition.
   * False when it may hold rows (a plan with a shuffle, such as a stateful query's, always has partitions).
   */
  public static boolean none(Dataset<Row> batch) {
    return batch.queryExecution().logical() instanceof LogicalRDD planned && planned.rdd().getNumPartitions() == 0;
  }
}
