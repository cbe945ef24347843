package io.cryptolake.streaming;

import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A job's start-up steps before its queries (the check of its checkpoint against its tables) run again while a
 * server the job needs does not answer: a job the cluster manager restarts during a catalog or S3 outage waits
 * it out, as its queries do later, instead of exiting for good. A failure while every server answers is the
 * step's own and is thrown at once, so a mistake still stops the job in one line (exit 2).
 */
public final class StartupWait {
  private static final Logger LOG = LoggerFactory.getLogger(StartupWait.class);

  private StartupWait() {}

  public static void run(String job, ServerWatch servers, QuerySupervisor.RestartPolicy policy, Runnable step) {
    untilServersAnswer(job, servers, policy, () -> {
      step.run();
      return null;
    });
  }

  public static <T> T untilServersAnswer(String job, ServerWatch servers, QuerySupervisor.RestartPolicy policy,
      Supplier<T> step) {
    Backoff backoff = new Backoff(policy.initialBackoff(), policy.maxBackoff());
    for (int attempt = 1; ; attempt++) {
      try {
        return step.get();
      } catch (RuntimeException e) {
        String down = servers.down();
        if (down.isEmpty() || attempt > policy.maxConsecutiveRestarts()) {
          throw e;
        }
        Duration wait = backoff.next();
        LOG.warn("{}: {}; starting again in {} s (attempt {} of {})", job, down, wait.toSeconds(), attempt,
            policy.maxConsecutiveRestarts());
        Backoff.sleep(wait, "a server");
      }
    }
  }
}
