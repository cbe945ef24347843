package io.cryptolake.metrics;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A log line when a step of a long batch command starts and one when it ends, with its time. Reconcile, replay,
 * gaps and maintain spend tens of seconds in Spark jobs that log nothing at the product's log level: the
 * operator sees what is being done instead of silence. The lines go to the log (stderr); results go to stdout.
 */
public final class Progress implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  private final String step;
  private final long startNanos = System.nanoTime();

  private Progress(String step) {
    this.step = step;
  }

  /** Starts a step, e.g. {@code Progress.step("reconcile: %s against silver and the DLQ", table)}. */
  public static Progress step(String format, Object... args) {
    Progress progress = new Progress(String.format(format, args));
    LOG.info("{} ...", progress.step);
    return progress;
  }

  @Override
  public void close() {
    Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
    LOG.info("{}: done in {} s", step, String.format("%.1f", took.toMillis() / 1000.0));
  }
}
