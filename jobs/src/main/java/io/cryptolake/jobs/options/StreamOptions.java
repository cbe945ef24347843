package io.cryptolake.jobs.options;

import io.cryptolake.cli.Check;
import io.cryptolake.streaming.StreamConfig;
import java.nio.file.Paths;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Checkpoint and trigger options of a streaming job. */
public final class StreamOptions {
  /** Silver's and gold's batch limits, defaults of the same options in their own jobs and in the pipeline. */
  public static final String SILVER_MAX_FILES = "${env:CRYPTOLAKE_SILVER_MAX_FILES:-500}";
  public static final String GOLD_MAX_FILES = "${env:CRYPTOLAKE_GOLD_MAX_FILES:-500}";
  /**
   * How often silver looks for bronze's new commits, in its own job and in the pipeline. 1 s: on two cores at
   * 2,000 trades/s, five applications' trade time to gold p50 28.8-31.6 s against 46.5 s with silver on the 10 s
   * trigger the same day, every job's batches shorter (docs/benchmarks.md, round 18).
   */
  public static final String SILVER_POLL = "${env:CRYPTOLAKE_SILVER_POLL_INTERVAL:-1s}";
  /**
   * How often gold looks for the silvers' new commits, in its own job and in the pipeline. 1 s: the one application
   * at 5,000 trades/s kept up, trade time to gold p99 25.3 s against 28.4 s with 5 s and 41.7 s on the 10 s trigger
   * in the same hour (a silver commit that missed gold's trigger waited out a whole interval); five applications at
   * 2,000/s p99 19.1 s, every job kept up (docs/benchmarks.md, round 41).
   */
  public static final String GOLD_POLL = "${env:CRYPTOLAKE_GOLD_POLL_INTERVAL:-1s}";
  /** The jobs' trigger interval unless set: LocalCluster waits longer than it for every query to look again. */
  public static final String DEFAULT_TRIGGER_INTERVAL = "10s";

  @Option(names = "--checkpoint-root", defaultValue = "${env:CRYPTOLAKE_CHECKPOINT_ROOT:-data/checkpoints}",
      description = "Checkpoints go to <root>/<job-name>/; s3a:// or local (env CRYPTOLAKE_CHECKPOINT_ROOT; "
          + "default ${DEFAULT-VALUE}).")
  String checkpointRoot;

  /**
   * 10 s: on two cores at 2,000 trades/s, trade time to gold p99 139 s against 218 s with 2 s as five applications
   * and 60 s against 92 s as one (docs/benchmarks.md, rounds 7 and 10): fewer batches pay the per-batch costs.
   */
  @Option(names = "--trigger-interval", defaultValue = "${env:CRYPTOLAKE_TRIGGER_INTERVAL:-" + DEFAULT_TRIGGER_INTERVAL + "}",
      description = "Micro-batch interval, e.g. 500ms, 2s, 1m (env CRYPTOLAKE_TRIGGER_INTERVAL; default ${DEFAULT-VALUE}).")
  Duration triggerInterval;

  @Option(names = "--expire-snapshots-every", defaultValue = "${env:CRYPTOLAKE_EXPIRE_SNAPSHOTS_EVERY:-"
      + StreamConfig.DEFAULT_EXPIRE_SNAPSHOTS_EVERY + "}",
      description = "How often the job expires old snapshots of the tables it writes: those older than each table's "
          + "history.expire.max-snapshot-age-ms (1h), except what a streaming job has not read or last committed "
          + "(env CRYPTOLAKE_EXPIRE_SNAPSHOTS_EVERY; default ${DEFAULT-VALUE}).")
  Duration expireSnapshotsEvery;

  @Option(names = "--from-scratch",
      description = "Rebuild: empty the job's checkpoint and its tables (bronze: its topic's rows), then read the "
          + "whole source again; what the source no longer holds is gone. Needed to start silver or gold on an "
          + "empty checkpoint over tables that hold rows (bronze resumes after its table's offsets instead).")
  boolean fromScratch;

  /** Checked before the job starts: a mistake here must not become a restart loop. */
  public StreamConfig toConfig() {
    Check.positive("--trigger-interval", triggerInterval);
    Check.positive("--expire-snapshots-every", expireSnapshotsEvery);
    DriverLocation.requireNotRelative("--checkpoint-root", checkpointRoot);
    Check.writableDirectory("--checkpoint-root", checkpointRoot);
    return new StreamConfig(uri(checkpointRoot), triggerInterval, fromScratch, triggerInterval, expireSnapshotsEvery);
  }

  /** A checkpoint root as a URI: s3a:// and file: as given, a local path made absolute. */
  public static String uri(String checkpointRoot) {
    return checkpointRoot.contains("://") || checkpointRoot.startsWith("file:") ? checkpointRoot
        : Paths.get(checkpointRoot).toAbsolutePath().toUri().toString();
  }
}
