package io.cryptolake.streaming;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On SIGTERM, lets each running micro-batch finish and commit, then stops the queries, before Spark's own
 * shutdown hooks stop the SparkContext. Nothing would be lost without it (the checkpoint and Iceberg's
 * idempotent commit replay an interrupted batch), but a clean stop avoids redoing work on restart.
 */
public final class GracefulShutdown {
  private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);
  /** Spark's own hook runs at FileSystem.SHUTDOWN_HOOK_PRIORITY + 30; higher runs first. */
  private static final int PRIORITY = FileSystem.SHUTDOWN_HOOK_PRIORITY + 40;
  /** Stopping the queries once their batches are done (spark.sql.streaming.stopTimeout is 60 s). */
  private static final Duration STOP_TIME = Duration.ofSeconds(70);

  private GracefulShutdown() {}

  /** On shutdown: {@code beforeStop} first (so nothing restarts the queries), then the queries. */
  public static void install(SparkSession spark, Duration batchGrace, Runnable beforeStop) {
    // Hadoop abandons a hook after 30 s by default and runs Spark's, which stops the SparkContext under a
    // batch still running (RejectedExecutionException): give this hook the whole grace, plus the stops.
    ShutdownHookManager.get().addShutdownHook(hook(spark, batchGrace, beforeStop), PRIORITY,
        batchGrace.plus(STOP_TIME).toSeconds(), TimeUnit.SECONDS);
  }

  /**
   * The hook's work. The session's query manager is taken now, on the caller's thread: created lazily in the
   * hook (a SIGTERM before the first query started), it would load the query listeners through the hook
   * thread's class loader, which under spark-submit does not see the jobs jar (ClassNotFoundException).
   */
  static Runnable hook(SparkSession spark, Duration batchGrace, Runnable beforeStop) {
    StreamingQueryManager queries = spark.streams();
    return () -> {
      beforeStop.run();
      stopAll(queries, batchGrace);
    };
  }

  /** Lets the queries' running batches finish (for up to {@code batchGrace} in all), then stops the queries. */
  public static void stopAll(SparkSession spark, Duration batchGrace) {
    stopAll(spark.streams(), batchGrace);
  }

  private static void stopAll(StreamingQueryManager queries, Duration batchGrace) {
    long deadline = System.nanoTime() + batchGrace.toNanos();
    for (StreamingQuery query : queries.active()) {
      LOG.info("stopping query {} after its current batch", query.name());
      while (query.isActive() && query.status().isTriggerActive() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      try {
        query.stop();
        LOG.info("query {} stopped", query.name());
      } catch (Exception e) {
        LOG.warn("query {} did not stop cleanly: {}", query.name(), e.toString());
      }
    }
  }
}
