package io.cryptolake.streaming;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.streaming.StreamingQuery;

/** Waiting for a query to finish what its sources hold, for runs that stop once caught up. */
public final class StreamingQueries {
  private StreamingQueries() {}

  /**
   * Spark's processAllAvailable with a deadline: returns once the query has processed and committed what its
   * sources held. Usable for gold too now that it runs no batch without data (with no-data batches and
   * processing-time state timeouts, a query runs a batch on every trigger and never reports "no new data";
   * this used to wait for several idle seconds instead, on every call). Stop the query after a timeout.
   */
  public static void awaitDrained(StreamingQuery query, Duration timeout) throws TimeoutException {
    CompletableFuture<Void> drained = new CompletableFuture<>();
    Thread waiter = new Thread(() -> {
      try {
        query.processAllAvailable();
        drained.complete(null);
      } catch (Exception e) { // a StreamingQueryException too, which Scala does not declare
        drained.completeExceptionally(e);
      }
    }, "await-drained-" + query.name());
    waiter.setDaemon(true);
    waiter.start();
    try {
      drained.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException(query.name() + " did not catch up within " + timeout);
    } catch (ExecutionException e) {
      throw new IllegalStateException(query.name() + " failed while catching up", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while " + query.name() + " caught up", e);
    }
  }
}
