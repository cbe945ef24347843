package io.cryptolake.gaps;

import io.cryptolake.lake.LakeConfig;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.streaming.SchedulerPools;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gold job's own gap check: every {@code interval}, the gap detection over the trades gold gained since the
 * previous check ({@link SequenceGaps#detectAppended}; the first check looks at the last {@code lookback} of
 * trade time), recorded in control_sequence_gaps and logged with counts by severity. The latest count is
 * published as the job's sequence_gaps metric.
 */
public final class GapMonitor implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GapMonitor.class);

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread thread = new Thread(r, "gold-gap-monitor");
    thread.setDaemon(true);
    return thread;
  });

  public GapMonitor(SparkSession spark, LakeConfig lake, Duration interval, Duration lookback) {
    scheduler.scheduleWithFixedDelay(() -> check(spark, lake, lookback), interval.toMillis(), interval.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void check(SparkSession spark, LakeConfig lake, Duration lookback) {
    SchedulerPools.runInBackground(spark.sparkContext());
    try {
      SequenceGaps.Result result = SequenceGaps.detectAppended(spark, lake, Instant.now().minus(lookback));
      Map<String, Long> bySeverity = new TreeMap<>();
      result.found().forEach(g -> bySeverity.merge(g.getAs("severity"), 1L, Long::sum));
      JobMetrics.set(LakeMetric.SEQUENCE_GAPS, result.found().size());
      LOG.info("sequence gaps among gold's trades since the last check: {} {} ({} new, {} earlier ones filled; {})",
          result.found().size(), bySeverity, result.added(), result.filled(), result.phases());
    } catch (RuntimeException e) {
      LOG.warn("gap check failed; next try in one interval: {}", e.toString());
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
