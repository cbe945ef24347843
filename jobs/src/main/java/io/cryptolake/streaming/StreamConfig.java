package io.cryptolake.streaming;

import io.cryptolake.cli.DurationConverter;
import java.time.Duration;
import org.apache.spark.sql.streaming.Trigger;

/**
 * How a streaming job runs: where its checkpoints live ({@code <checkpointRoot>/<job-name>/}), how often a
 * micro-batch starts, and whether an empty checkpoint may rebuild the job's tables ({@link EmptyCheckpoint}).
 *
 * <p>{@code triggerInterval} paces the queries and is the cadence their batches are measured against. A query
 * that follows lake tables' commits (silver after bronze, gold after the silvers) looks for new ones every
 * {@code sourcePoll} instead (never less often than the trigger interval) and starts a batch as soon as there is
 * one: Spark starts a processing-time trigger's batches on multiples of its interval since the epoch, so on one
 * interval everywhere bronze and silver started at the same instants and silver waited out most of an interval
 * for bronze's commit, and a silver commit that missed gold's trigger waited out a whole one. A look with nothing
 * new costs one catalog lookup.
 *
 * <p>{@code expireSnapshotsEvery}: how often a job expires the snapshots of the tables it writes that may go
 * (io.cryptolake.maintain.SnapshotExpiry).
 */
public record StreamConfig(String checkpointRoot, Duration triggerInterval, boolean fromScratch, Duration sourcePoll,
    Duration expireSnapshotsEvery) {
  /** 10 minutes: a table keeps at most its snapshot age and 10 minutes of snapshots. */
  public static final String DEFAULT_EXPIRE_SNAPSHOTS_EVERY = "10m";

  /** Every query on the one trigger interval. */
  public StreamConfig(String checkpointRoot, Duration triggerInterval) {
    this(checkpointRoot, triggerInterval, false, triggerInterval,
        DurationConverter.parse(DEFAULT_EXPIRE_SNAPSHOTS_EVERY));
  }

  public StreamConfig withFromScratch() {
    return new StreamConfig(checkpointRoot, triggerInterval, true, sourcePoll, expireSnapshotsEvery);
  }

  public StreamConfig withSourcePoll(Duration poll) {
    return new StreamConfig(checkpointRoot, triggerInterval, fromScratch, poll, expireSnapshotsEvery);
  }

  public StreamConfig withExpireSnapshotsEvery(Duration every) {
    return new StreamConfig(checkpointRoot, triggerInterval, fromScratch, sourcePoll, every);
  }

  /** The processing-time trigger of the job's queries. */
  public Trigger trigger() {
    return Trigger.ProcessingTime(triggerInterval.toMillis());
  }

  /** How often a query that follows a lake table's commits looks for new ones. */
  public Duration sourcePollInterval() {
    return sourcePoll.compareTo(triggerInterval) < 0 ? sourcePoll : triggerInterval;
  }

  /** The processing-time trigger of a query that follows a lake table's commits. */
  public Trigger sourceTrigger() {
    return Trigger.ProcessingTime(sourcePollInterval().toMillis());
  }

  public String checkpointFor(String jobName) {
    String root = checkpointRoot.endsWith("/") ? checkpointRoot.substring(0, checkpointRoot.length() - 1) : checkpointRoot;
    return root + "/" + jobName;
  }
}
