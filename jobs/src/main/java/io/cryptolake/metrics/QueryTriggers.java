package io.cryptolake.metrics;

import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each query's trigger interval, so that its batches are compared with its own: its job's (the query is named
 * after its job: gold, gold-ohlcv-1m), unless the query has one of its own (gold's bars, {@code --bars-every}).
 * 0 when neither is known (a query outside a job).
 */
public final class QueryTriggers {
  private static final Map<String, Long> OF_JOB = new ConcurrentHashMap<>();
  private static final Map<String, Long> OF_QUERY = new ConcurrentHashMap<>();

  private QueryTriggers() {}

  public static void ofJob(String job, Duration interval) {
    OF_JOB.put(job, interval.toMillis());
  }

  public static void ofQuery(String query, Duration interval) {
    OF_QUERY.put(query, interval.toMillis());
  }

  static long millis(String query) {
    if (query == null) {
      return 0;
    }
    Long own = OF_QUERY.get(query);
    return own != null ? own : OF_JOB.entrySet().stream()
        .filter(job -> query.equals(job.getKey()) || query.startsWith(job.getKey() + "-"))
        .max(Comparator.comparingInt(job -> job.getKey().length())).map(Map.Entry::getValue).orElse(0L);
  }
}
