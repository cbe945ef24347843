package io.cryptolake.streaming;

import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import java.time.Duration;
import org.apache.spark.sql.streaming.Trigger;

/**
 * How a streaming job runs: where its checkpoints live ({@code <checkpointRoot>/<job-name>/}) and how often
 * a micro-batch starts.
 */
public record StreamConfig(String checkpointRoot, Duration triggerInterval) {
  /** The processing-time trigger of the job's queries; also published as its trigger_interval_ms. */
  public Trigger trigger() {
    JobMetrics.set(LakeMetric.TRIGGER_INTERVAL_MS, triggerInterval.toMillis());
    return Trigger.ProcessingTime(triggerInterval.toMillis());
  }

  public String checkpointFor(String jobName) {
    String root = checkpointRoot.endsWith("/") ? checkpointRoot.substring(0, checkpointRoot.length() - 1) : checkpointRoot;
    return root + "/" + jobName;
  }
}
