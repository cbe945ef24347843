package io.cryptolake.metrics;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * The newest record time of each micro-batch, from which {@link QueryProgressMetrics} derives the lag. Two
 * sources, whichever the query has: the event-time maximum Spark reports for a query with a watermark, or a
 * report from a {@code foreachBatch} writer (whose batches Spark cannot observe).
 */
public final class Freshness {
  private static final Map<String, Instant> REPORTED = new ConcurrentHashMap<>();

  private Freshness() {}

  /** A foreachBatch writer reports the newest record time of the batch it just wrote. */
  public static void report(String queryName, Timestamp newest) {
    if (newest != null) {
      REPORTED.put(queryName, newest.toInstant());
    }
  }

  static Optional<Instant> newest(StreamingQueryProgress progress) {
    String eventTimeMax = progress.eventTime().get("max");
    if (eventTimeMax != null) {
      return Optional.of(Instant.parse(eventTimeMax));
    }
    return Optional.ofNullable(progress.name() == null ? null : REPORTED.get(progress.name()));
  }
}
