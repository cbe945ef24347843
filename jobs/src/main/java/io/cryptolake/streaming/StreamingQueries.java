package io.cryptolake.streaming;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/** Waiting for a query to finish what its sources hold, for runs that stop once caught up. */
public final class StreamingQueries {
  private static final Duration IDLE = Duration.ofSeconds(5);
  /** The first batch after a restart can come up empty although data waits; one empty batch proves nothing. */
  private static final int EMPTY_BATCHES = 3;

  private StreamingQueries() {}

  /**
   * Returns once three batches in a row, seen after this call, read no input (the sources are drained), or
   * once the query has run a batch and then none for a few seconds (nothing left to do, not even finalising). Spark's processAllAvailable
   * cannot be used for queries with processing-time state timeouts: they run a batch on every trigger and
   * never report "no new data".
   */
  public static void awaitDrained(StreamingQuery query, Duration timeout) throws TimeoutException {
    long seenBatch = batchId(query.lastProgress());
    int emptyInARow = 0;
    long lastChange = System.nanoTime();
    long deadline = lastChange + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (query.exception().isDefined()) {
        StreamingQueryException failure = query.exception().get();
        throw new IllegalStateException(query.name() + " failed while catching up", failure);
      }
      StreamingQueryProgress progress = query.lastProgress();
      if (batchId(progress) != seenBatch) {
        seenBatch = batchId(progress);
        lastChange = System.nanoTime();
        emptyInARow = progress.numInputRows() == 0 ? emptyInARow + 1 : 0;
        if (emptyInARow >= EMPTY_BATCHES) {
          return;
        }
      } else if (progress != null && System.nanoTime() - lastChange > IDLE.toNanos()
          && !query.status().isTriggerActive()) {
        return;
      }
      LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
    }
    throw new TimeoutException(query.name() + " did not catch up within " + timeout);
  }

  private static long batchId(StreamingQueryProgress progress) {
    return progress == null ? -1 : progress.batchId();
  }
}
