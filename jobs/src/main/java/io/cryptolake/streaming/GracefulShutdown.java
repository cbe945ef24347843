package io.cryptolake.streaming;

import java.time.Duration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.util.ShutdownHookManager;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
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

  private GracefulShutdown() {}

  /** On shutdown: {@code beforeStop} first (so nothing restarts the queries), then the queries. */
  public static void install(SparkSession spark, Duration batchGrace, Runnable beforeStop) {
    ShutdownHookManager.get().addShutdownHook(() -> {
      beforeStop.run();
      stopAll(spark, batchGrace);
    }, PRIORITY);
  }

  static void stopAll(SparkSession spark, Duration batchGrace) {
    for (StreamingQuery query : spark.streams().active()) {
      long deadline = System.nanoTime() + batchGrace.toNanos();
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
