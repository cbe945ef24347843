package io.cryptolake.streaming;

import java.time.Duration;
import org.apache.spark.sql.streaming.Trigger;

/**
 * How a streaming job runs: where its checkpoints live ({@code <checkpointRoot>/<job-name>/}), how often a
 * micro-batch starts, and whether an empty checkpoint may rebuild the job's tables ({@link EmptyCheckpoint}).
 */
public record StreamConfig(String checkpointRoot, Duration triggerInterval, boolean fromScratch) {
  public StreamConfig(String checkpointRoot, Duration triggerInterval) {
    this(checkpointRoot, triggerInterval, false);
  }

  public StreamConfig withFromScratch() {
    return new StreamConfig(checkpointRoot, triggerInterval, true);
  }

  /** The processing-time trigger of the job's queries. */
  public Trigger trigger() {
    return Trigger.ProcessingTime(triggerInterval.toMillis());
  }

  public String checkpointFor(String jobName) {
    String root = checkpointRoot.endsWith("/") ? checkpointRoot.substring(0, checkpointRoot.length() - 1) : checkpointRoot;
    return root + "/" + jobName;
  }
}
