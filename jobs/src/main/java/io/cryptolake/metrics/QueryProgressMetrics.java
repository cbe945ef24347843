package io.cryptolake.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * Turns every query's progress into the job's metrics ({@code spark.sql.streaming.streamingQueryListeners}):
 * rows in and out, batch duration, Kafka offsets behind latest, the lag, the state's rows and memory, and
 * Spark's idle reports. A job with several queries publishes the batch furthest over its own query's trigger
 * ({@link QueryTriggers}) with that trigger, the largest lag, the total backlog and total state.
 */
public final class QueryProgressMetrics extends StreamingQueryListener {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<UUID, Latest> LATEST = new ConcurrentHashMap<>();
  /** Each query's job (empty: the JVM's own), from its start: an idle event names only the query's id. */
  private static final Map<UUID, Optional<String>> JOB_OF_QUERY = new ConcurrentHashMap<>();

  private record Latest(String job, long batchDurationMs, long triggerMs, long offsetsBehind, double lagSeconds,
      long stateRows, long stateMemoryBytes, Map<String, Long> phases) {
    Latest idle() {
      return new Latest(job, batchDurationMs, triggerMs, 0, 0, stateRows, stateMemoryBytes, phases);
    }

    /** The batch's duration in triggers of its query (in milliseconds when the trigger is not known). */
    double overTrigger() {
      return triggerMs > 0 ? (double) batchDurationMs / triggerMs : batchDurationMs;
    }
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    QueriesWithData.queryStarted();
    JOB_OF_QUERY.put(event.id(), Optional.ofNullable(JobMetrics.jobOfQuery(event.name())));
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress progress = event.progress();
    String job = JobMetrics.jobOfQuery(progress.name());
    JobMetrics.addFor(job, LakeMetric.RECORDS_IN, progress.numInputRows());
    if (progress.sink().numOutputRows() > 0) {
      JobMetrics.addFor(job, LakeMetric.RECORDS_OUT, progress.sink().numOutputRows());
    }
    if (progress.numInputRows() == 0) {
      JobMetrics.addFor(job, LakeMetric.EMPTY_BATCHES, 1);
    }
    LATEST.put(progress.id(), new Latest(job, progress.batchDuration(), QueryTriggers.millis(progress.name()),
        offsetsBehind(progress), lagSeconds(progress),
        Arrays.stream(progress.stateOperators()).mapToLong(StateOperatorProgress::numRowsTotal).sum(),
        Arrays.stream(progress.stateOperators()).mapToLong(StateOperatorProgress::memoryUsedBytes).sum(),
        BatchPhases.of(progress)));
    publish();
  }

  @Override
  public void onQueryIdle(QueryIdleEvent event) {
    // Spark says so once a query has found no new data for spark.sql.streaming.noDataProgressEventInterval
    // (10 s), and every interval after: a query restarted with nothing to read reports nothing else.
    JobMetrics.addFor(JOB_OF_QUERY.getOrDefault(event.id(), Optional.empty()).orElse(null), LakeMetric.IDLE_TRIGGERS,
        1);
    LATEST.computeIfPresent(event.id(), (id, latest) -> latest.idle());
    publish();
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    LATEST.remove(event.id());
    JOB_OF_QUERY.remove(event.id());
    publish();
  }

  /** Per job of this JVM, over its queries' latest progress (a job without a query left publishes zeros). */
  private static void publish() {
    for (String job : JobMetrics.publishedJobs()) {
      List<Latest> latest = LATEST.values().stream().filter(l -> Objects.equals(l.job(), job)).toList();
      // Gold's bars run on a longer trigger than its trades: each batch is set against its own query's trigger.
      Optional<Latest> slowest = latest.stream().max(Comparator.comparingDouble(Latest::overTrigger));
      JobMetrics.setFor(job, LakeMetric.BATCH_DURATION_MS, slowest.map(Latest::batchDurationMs).orElse(0L));
      slowest.filter(l -> l.triggerMs() > 0)
          .ifPresent(l -> JobMetrics.setFor(job, LakeMetric.TRIGGER_INTERVAL_MS, l.triggerMs()));
      slowest.ifPresent(l -> l.phases().forEach((phase, ms) -> JobMetrics.setPhase(job, phase, ms)));
      JobMetrics.setFor(job, LakeMetric.OFFSETS_BEHIND_LATEST, latest.stream().mapToLong(Latest::offsetsBehind).sum());
      JobMetrics.setFor(job, LakeMetric.LAG_SECONDS, latest.stream().mapToDouble(Latest::lagSeconds).max().orElse(0));
      JobMetrics.setFor(job, LakeMetric.STATE_ROWS, latest.stream().mapToLong(Latest::stateRows).sum());
      JobMetrics.setFor(job, LakeMetric.STATE_MEMORY_BYTES, latest.stream().mapToLong(Latest::stateMemoryBytes).sum());
    }
  }

  /**
   * Kafka sources report the average offsets behind latest per partition at the end of each batch; times the
   * partitions in the batch's end offsets ({"topic": {"0": 42, ...}}), that is the backlog.
   */
  public static long offsetsBehind(StreamingQueryProgress progress) {
    long behind = 0;
    for (SourceProgress source : progress.sources()) {
      String avg = source.metrics().get("avgOffsetsBehindLatest");
      if (avg != null) {
        behind += Math.round(Double.parseDouble(avg) * partitions(source.endOffset()));
      }
    }
    return behind;
  }

  private static int partitions(String endOffsetJson) {
    try {
      int n = 0;
      for (JsonNode topic : JSON.readTree(endOffsetJson)) {
        n += topic.size();
      }
      return n;
    } catch (IOException e) {
      return 1;
    }
  }

  /** Batch end minus the newest record in it; 0 for an empty batch (nothing was waiting). */
  private static double lagSeconds(StreamingQueryProgress progress) {
    if (progress.numInputRows() == 0) {
      return 0;
    }
    Instant end = Instant.parse(progress.timestamp()).plusMillis(progress.batchDuration());
    return Freshness.newest(progress).map(newest -> Math.max(0, Duration.between(newest, end).toMillis() / 1000.0))
        .orElse(0.0);
  }
}
