package io.cryptolake.streaming;

import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.storage.StorageLevel;

/**
 * A micro-batch computed once and kept as plain rows while a {@code foreachBatch} writer counts it and writes it
 * more than once: a local checkpoint in the executors' block stores, memory then disk, freed when closed.
 *
 * <p>Why not {@code persist()}: it first builds a compressed columnar copy, a quarter of silver's CPU in the
 * benchmark; a local checkpoint keeps the rows as they are.
 *
 * <p>A micro-batch and the counts taken from it are planned without adaptive query execution. With one shuffle
 * partition (the product's default) it has nothing to adapt in them, yet it runs each shuffle's map side as a
 * Spark job of its own and plans the rest again: a count by reason over kept rows took two jobs and 306 ms
 * instead of one job and 83 ms (docs/benchmarks.md, round 25). Writes and MERGEs, whose joins it can still choose
 * at run time, keep it.
 */
public final class MaterializedBatch implements AutoCloseable {
  private final Dataset<Row> rows;
  private final Row observed;

  private MaterializedBatch(Dataset<Row> rows, Row observed) {
    this.rows = rows;
    this.observed = observed;
  }

  /** Runs a micro-batch's plan now, without adaptive execution, and keeps its rows. */
  public static MaterializedBatch of(Dataset<Row> plan) {
    return new MaterializedBatch(withoutAdaptiveExecution(plan.sparkSession(), () -> keep(plan)), null);
  }

  /**
   * As {@link #of(Dataset)}, and aggregates the rows as they are kept ({@link #observed()}): Spark's observed
   * metrics, filled by the same tasks, so counts of a batch cost no Spark job of their own (a job of its own cost
   * silver 0.3-0.5 s and gold 0.1-0.3 s of every batch, docs/benchmarks.md, round 45). {@code metrics} are
   * aggregate expressions over the plan's rows, evaluated in the job's last stage. Each row counts once: Spark
   * merges that stage's metrics once per partition, from its first successful task, so a retried task or a stage
   * re-run after a lost shuffle does not count a partition twice.
   */
  public static MaterializedBatch of(Dataset<Row> plan, List<Column> metrics) {
    String name = "kept-" + UUID.randomUUID();
    Dataset<Row> observing = plan.observe(name, metrics.get(0),
        metrics.subList(1, metrics.size()).toArray(Column[]::new));
    Dataset<Row> kept = withoutAdaptiveExecution(plan.sparkSession(), () -> keep(observing));
    // The checkpoint ran the observing plan's own execution, whose metrics are read here, not through a listener.
    return new MaterializedBatch(kept, observing.queryExecution().observedMetrics().get(name).get());
  }

  /**
   * Runs the plan now, as the session plans it, and keeps its rows: for a plan over more than a micro-batch (a
   * gap check over all of gold), whose shuffles adaptive execution sizes from what they read.
   */
  public static MaterializedBatch adaptive(Dataset<Row> plan) {
    return new MaterializedBatch(keep(plan), null);
  }

  private static Dataset<Row> keep(Dataset<Row> plan) {
    return plan.localCheckpoint(true, StorageLevel.MEMORY_AND_DISK());
  }

  public Dataset<Row> rows() {
    return rows;
  }

  /** The metrics {@link #of(Dataset, List)} was given, in their order, over every kept row. */
  public Row observed() {
    if (observed == null) {
      throw new IllegalStateException("this batch was kept without metrics");
    }
    return observed;
  }

  /**
   * A small aggregate of the kept rows (counts by a few keys), collected as one Spark job of one task: read as one
   * partition, the rows need no shuffle to be grouped. With a shuffle the job had two stages, and on a busy
   * executor each waited for a task slot: silver's count took 0.9 s of its batch at the median for 40 ms of
   * tasks (docs/benchmarks.md, round 42).
   */
  public List<Row> aggregate(Function<Dataset<Row>, Dataset<Row>> aggregation) {
    return withoutAdaptiveExecution(rows.sparkSession(), () -> aggregation.apply(rows.coalesce(1)).collectAsList());
  }

  /** Frees the rows now, not whenever the driver's garbage collector finds their RDD. */
  @Override
  public void close() {
    if (rows.queryExecution().logical() instanceof LogicalRDD checkpoint) {
      checkpoint.rdd().unpersist(false);
    }
  }

  /**
   * Plans and runs {@code action} with adaptive execution off in the session, then puts the session's setting
   * back. A streaming query's batches have a session of their own, so no other query sees the change.
   */
  private static <T> T withoutAdaptiveExecution(SparkSession session, Supplier<T> action) {
    String key = SQLConf.ADAPTIVE_EXECUTION_ENABLED().key();
    RuntimeConfig conf = session.conf();
    String before = conf.get(key);
    conf.set(key, "false");
    try {
      return action.get();
    } finally {
      conf.set(key, before);
    }
  }
}
