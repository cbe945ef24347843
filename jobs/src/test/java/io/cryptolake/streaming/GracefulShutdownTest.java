package io.cryptolake.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cryptolake.testing.TestLake;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The SIGTERM hook of every streaming job. */
class GracefulShutdownTest {

  /**
   * A job stopped before its first query started (a SIGTERM during start-up, or while a server is down) used
   * to print a failed hook with a ClassNotFoundException of the query listener: the hook created the session's
   * query manager, which loads the listeners through the hook thread's class loader, and under spark-submit
   * that loader does not see the jobs jar. The hook thread here has such a loader.
   */
  @Test
  void aSigtermBeforeTheFirstQueryRunsTheHookCleanly() throws Exception {
    SparkSession neverStartedAQuery = TestLake.spark().newSession();
    neverStartedAQuery.sql("SELECT 1").collect(); // a job uses its session before its queries start
    AtomicInteger beforeStop = new AtomicInteger();
    Runnable hook = GracefulShutdown.hook(neverStartedAQuery, Duration.ofSeconds(1), beforeStop::incrementAndGet);

    AtomicReference<Throwable> failure = new AtomicReference<>();
    try (URLClassLoader withoutTheJobs = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader())) {
      Thread shutdown = new Thread(() -> {
        try {
          hook.run();
        } catch (Throwable t) {
          failure.set(t);
        }
      }, "shutdown-hook");
      shutdown.setContextClassLoader(withoutTheJobs);
      shutdown.start();
      shutdown.join(Duration.ofMinutes(1).toMillis());
    }
    assertNull(failure.get(), () -> "the hook failed: " + failure.get() + ", caused by " + rootCause(failure.get()));
    assertEquals(1, beforeStop.get(), "the supervisors were stopped first");
  }

  private static Throwable rootCause(Throwable t) {
    return t.getCause() == null ? t : rootCause(t.getCause());
  }
}
