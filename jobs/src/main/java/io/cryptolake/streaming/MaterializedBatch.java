package io.cryptolake.streaming;

import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Observation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.FutureConverters;

/**
 * A micro-batch computed once and kept as plain rows while a {@code foreachBatch} writer counts it and writes it
 * more than once: a local checkpoint in the executors' block stores, memory then disk, freed when closed.
 *
 * <p>Why not {@code persist()}: it first builds a compressed columnar copy, a quarter of silver's CPU in the
 * benchmark; a local checkpoint keeps the rows as they are. The batch's counts are computed in the same pass
 * ({@link Dataset#observe}), not by a Spark job of their own after it: one job, two stages and their planning
 * and scheduling less per batch.
 */
public final class MaterializedBatch implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MaterializedBatch.class);
  /** Spark reports observed metrics through its listener bus, just after the job; normally within milliseconds. */
  private static final long METRICS_WAIT_SECONDS = 30;

  private final Dataset<Row> rows;
  private final Observation observation;

  private MaterializedBatch(Dataset<Row> rows, Observation observation) {
    this.rows = rows;
    this.observation = observation;
  }

  /** Runs the plan now and keeps its rows, computing the aggregate expressions {@code metrics} on the way. */
  public static MaterializedBatch of(Dataset<Row> plan, Column... metrics) {
    Observation observation = metrics.length == 0 ? null : new Observation();
    Dataset<Row> observed = observation == null ? plan
        : plan.observe(observation, metrics[0], Arrays.copyOfRange(metrics, 1, metrics.length));
    return new MaterializedBatch(observed.localCheckpoint(true, StorageLevel.MEMORY_AND_DISK()), observation);
  }

  public Dataset<Row> rows() {
    return rows;
  }

  /**
   * The metrics computed while the rows were materialized, one column per expression by its name; empty when
   * none were asked for or Spark did not report them (the caller then counts the rows with a job of its own).
   */
  public Optional<Row> metrics() {
    if (observation == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(FutureConverters.asJava(observation.future()).toCompletableFuture()
          .get(METRICS_WAIT_SECONDS, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    } catch (ExecutionException | TimeoutException e) {
      LOG.warn("the batch's observed metrics did not arrive ({}); counting its rows again", e.toString());
      return Optional.empty();
    }
  }

  /** Frees the rows now, not whenever the driver's garbage collector finds their RDD. */
  @Override
  public void close() {
    if (rows.queryExecution().logical() instanceof LogicalRDD checkpoint) {
      checkpoint.rdd().unpersist(false);
    }
  }
}
