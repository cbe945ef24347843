package io.cryptolake.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.testing.TestLake;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A job with queries on different triggers (gold: trades on the job's, bars on --bars-every) publishes the batch
 * furthest over its own query's trigger, with that trigger, so the batch-slower-than-trigger alert compares
 * like with like. The queries here belong to no declared job, as in a job's own application.
 */
class BatchAgainstItsTriggerTest {
  @AfterEach
  void stop() {
    TestLake.stopActiveQueries();
  }

  @Test
  void theBatchFurthestOverItsOwnTriggerIsPublishedWithThatTrigger() throws Exception {
    QueryTriggers.ofJob("trigger-test", Duration.ofMillis(300));
    QueryTriggers.ofQuery("trigger-test-bars", Duration.ofSeconds(7));
    // Trades: batches of at least 600 ms on a 300 ms trigger (2 triggers). Bars: 1 s on 7 s (a seventh). The
    // batches sleep to take that long; the test itself waits only on conditions.
    StreamingQuery trades = start("trigger-test", 300, 600);
    StreamingQuery bars = start("trigger-test-bars", 7_000, 1_000);
    Awaitility.await("both queries ran two batches").atMost(Duration.ofMinutes(2))
        .until(() -> ranTwoBatches(trades) && ranTwoBatches(bars) || failed(trades) || failed(bars));
    assertTrue(trades.isActive() && bars.isActive(), "running: " + trades.exception() + " " + bars.exception());
    // Published from the listener's thread, after each query's progress.
    Awaitility.await("the trades' batch published with their trigger").atMost(Duration.ofMinutes(1))
        .untilAsserted(() -> {
          assertEquals(300.0, JobMetrics.value(LakeMetric.TRIGGER_INTERVAL_MS), "the trades' trigger, not the bars'");
          double batch = JobMetrics.value(LakeMetric.BATCH_DURATION_MS);
          assertTrue(batch >= 600 && batch < 7_000, "a trades batch: " + batch);
        });
    assertEquals(List.of(300L, 7_000L, 0L), List.of(QueryTriggers.millis("trigger-test"),
        QueryTriggers.millis("trigger-test-bars"), QueryTriggers.millis("trigger-tested")));
  }

  private static boolean failed(StreamingQuery query) {
    return !query.isActive();
  }

  /** Two batches: the first one's duration includes the query's start. */
  private static boolean ranTwoBatches(StreamingQuery query) {
    return query.lastProgress() != null && query.lastProgress().batchId() >= 1;
  }

  private static StreamingQuery start(String name, long triggerMs, long batchMs) throws Exception {
    return TestLake.spark().readStream().format("rate").option("rowsPerSecond", "5").load().writeStream()
        .queryName(name).trigger(Trigger.ProcessingTime(triggerMs))
        .option("checkpointLocation", Files.createTempDirectory(name).toUri().toString())
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> Thread.sleep(batchMs))
        .start();
  }
}
