package io.cryptolake.streaming;

import java.time.Duration;
import java.util.function.Supplier;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a streaming query running: when it fails (a server down, a batch that could not commit), it is
 * started again from its checkpoint after a backoff, up to a number of restarts in a row. The checkpoint and
 * the idempotent commits make a restart safe; the backoff keeps an outage from becoming a busy loop. A
 * failure no restart can cure ({@link Failures#isPermanent}) ends it at once; after any other, the log names
 * the job's servers that do not answer and for how long.
 */
public final class QuerySupervisor {
  private static final Logger LOG = LoggerFactory.getLogger(QuerySupervisor.class);
  /** A query that ran this long before failing starts the backoff over. */
  private static final Duration HEALTHY_RUN = Duration.ofMinutes(5);

  private final Supplier<StreamingQuery> starter;
  private final RestartPolicy policy;
  private final ServerWatch servers;
  private volatile StreamingQuery current;
  private volatile boolean stopping;
  private volatile int restarts;

  public QuerySupervisor(Supplier<StreamingQuery> starter, RestartPolicy policy) {
    this(starter, policy, ServerWatch.none());
  }

  public QuerySupervisor(Supplier<StreamingQuery> starter, RestartPolicy policy, ServerWatch servers) {
    this.starter = starter;
    this.policy = policy;
    this.servers = servers;
  }

  /** How many restarts in a row are allowed, and the backoff between them. */
  public record RestartPolicy(int maxConsecutiveRestarts, Duration initialBackoff, Duration maxBackoff) {
    public static RestartPolicy defaults() {
      return new RestartPolicy(20, Duration.ofSeconds(2), Duration.ofSeconds(60));
    }
  }

  /** Runs until stopped (returns 0) or until the restarts are used up (returns 1). */
  public int run() {
    Backoff backoff = new Backoff(policy.initialBackoff(), policy.maxBackoff());
    int inARow = 0;
    while (!stopping) {
      long startedAt = System.nanoTime();
      try {
        // Starting can fail too (the catalog or S3 unreachable): that is retried like a failed query.
        current = starter.get();
        current.awaitTermination();
        return 0;
      } catch (Exception e) {
        // Exception, not RuntimeException: Scala code throws checked ones (AnalysisException) undeclared.
        if (stopping) {
          return 0;
        }
        String name = current == null ? "the query" : current.name();
        if (Failures.isPermanent(e, !(e instanceof StreamingQueryException))) {
          LOG.error("{} cannot run as configured, and a restart would fail the same way; giving up: {}", name,
              Failures.rootMessage(e), e);
          return 1;
        }
        if (System.nanoTime() - startedAt > HEALTHY_RUN.toNanos()) {
          inARow = 0;
          backoff.reset();
        }
        inARow++;
        restarts++;
        if (inARow > policy.maxConsecutiveRestarts()) {
          LOG.error("{} failed {} times in a row; giving up", name, inARow, e);
          return 1;
        }
        String down = servers.down();
        Duration wait = backoff.next();
        LOG.warn("{} failed: {}; restarting from its checkpoint in {} s (restart {} in a row)", name,
            down.isEmpty() ? Failures.rootMessage(e) : down, wait.toSeconds(), inARow);
        sleep(wait);
      }
    }
    return 0;
  }

  /** The query now running (a new object after each restart). */
  public StreamingQuery current() {
    return current;
  }

  public int restarts() {
    return restarts;
  }

  /** Makes {@link #run()} return once the current query ends instead of restarting it. */
  public void stop() {
    stopping = true;
  }

  private void sleep(Duration duration) {
    long until = System.nanoTime() + duration.toNanos();
    while (!stopping && System.nanoTime() < until) {
      try {
        Thread.sleep(Math.min(200, duration.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
    }
  }
}
