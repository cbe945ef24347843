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
 * rows in and out, batch duration, Kafka offsets behind latest, the lag and the state's rows and memory. A
 * job with several queries publishes the slowest batch, the largest lag, the total backlog and total state.
 */
public final class QueryProgressMetrics extends StreamingQueryListener {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<UUID, Latest> LATEST = new ConcurrentHashMap<>();

  private record Latest(String job, long batchDurationMs, long offsetsBehind, double lagSeconds, long stateRows,
      long stateMemoryBytes, Map<String, Long> phases) {
    Latest idle() {
      return new Latest(job, batchDurationMs, 0, 0, stateRows, stateMemoryBytes, phases);
    }
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {
    QueriesWithData.queryStarted();
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
    LATEST.put(progress.id(), new Latest(job, progress.batchDuration(), offsetsBehind(progress), lagSeconds(progress),
        Arrays.stream(progress.stateOperators()).mapToLong(StateOperatorProgress::numRowsTotal).sum(),
        Arrays.stream(progress.stateOperators()).mapToLong(StateOperatorProgress::memoryUsedBytes).sum(),
        BatchPhases.of(progress)));
    publish();
  }

  @Override
  public void onQueryIdle(QueryIdleEvent event) {
    LATEST.computeIfPresent(event.id(), (id, latest) -> latest.idle());
    publish();
  }

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {
    LATEST.remove(event.id());
    publish();
  }

  /** Per job of this JVM, over its queries' latest progress (a job without a query left publishes zeros). */
  private static void publish() {
    for (String job : JobMetrics.publishedJobs()) {
      List<Latest> latest = LATEST.values().stream().filter(l -> Objects.equals(l.job(), job)).toList();
      Optional<Latest> slowest = latest.stream().max(Comparator.comparingLong(Latest::batchDurationMs));
      JobMetrics.setFor(job, LakeMetric.BATCH_DURATION_MS, slowest.map(Latest::batchDurationMs).orElse(0L));
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
