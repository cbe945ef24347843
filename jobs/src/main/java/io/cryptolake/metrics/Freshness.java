package io.cryptolake.metrics;

import static org.apache.spark.sql.functions.max;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * The newest record time of each micro-batch, from which {@link QueryProgressMetrics} derives the lag. Three
 * sources, whichever the query has: an observation on the streaming Dataset (queries writing to a sink
 * directly), the event-time maximum Spark reports for a query with a watermark, or a report from a
 * {@code foreachBatch} writer (whose batches Spark cannot observe).
 */
public final class Freshness {
  static final String OBSERVATION = "cryptolake_freshness";
  static final String NEWEST = "newest_record";
  private static final Map<String, Instant> REPORTED = new ConcurrentHashMap<>();

  private Freshness() {}

  /** Observes the newest {@code recordTime} of every micro-batch of a streaming Dataset. */
  public static Dataset<Row> observe(Dataset<Row> rows, Column recordTime) {
    return rows.observe(OBSERVATION, max(recordTime).as(NEWEST));
  }

  /** A foreachBatch writer reports the newest record time of the batch it just wrote. */
  public static void report(String queryName, Timestamp newest) {
    if (newest != null) {
      REPORTED.put(queryName, newest.toInstant());
    }
  }

  static Optional<Instant> newest(StreamingQueryProgress progress) {
    Row observed = progress.observedMetrics().get(OBSERVATION);
    if (observed != null && !observed.isNullAt(0)) {
      return Optional.of(((Timestamp) observed.get(0)).toInstant());
    }
    String eventTimeMax = progress.eventTime().get("max");
    if (eventTimeMax != null) {
      return Optional.of(Instant.parse(eventTimeMax));
    }
    return Optional.ofNullable(progress.name() == null ? null : REPORTED.get(progress.name()));
  }
}
