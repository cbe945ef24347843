package io.cryptolake.proof.chaos;

import java.time.Duration;

/** One fault the chaos run injects, and when in the send window. */
public sealed interface Injection {
  /** When, from the start of sending. */
  Duration at();

  String describe();

  /**
   * kill -9 of a job's driver, then its spark-submit script again (client mode) or, in cluster mode, nothing:
   * the driver's worker restarts it. {@code caughtUp}: once every job has read everything, so the new driver
   * finds nothing to read.
   */
  record KillJob(Duration at, String job, boolean caughtUp) implements Injection {
    public KillJob(Duration at, String job) {
      this(at, job, false);
    }

    @Override
    public String describe() {
      return "kill -9 " + job + (caughtUp ? " once caught up" : "");
    }
  }

  /** A server stopped, then started again after {@code length} (zero: a restart). */
  record ServerDown(Duration at, String server, Duration length) implements Injection {
    @Override
    public String describe() {
      return length.isZero() ? "restart " + server : "stop " + server + " for " + length.toSeconds() + " s";
    }
  }
}
