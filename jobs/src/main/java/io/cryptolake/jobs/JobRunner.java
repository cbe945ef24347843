package io.cryptolake.jobs;

import io.cryptolake.streaming.GracefulShutdown;
import io.cryptolake.streaming.QuerySupervisor;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** What every entry point does around its job: parse the command line, run, wait, exit with a status. */
final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  private static final Duration BATCH_GRACE = Duration.ofSeconds(60);

  private JobRunner() {}

  static void exit(Object command, String[] args) {
    int status = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(status);
  }

  /**
   * Runs the query under a supervisor (a failed query restarts from its checkpoint) until SIGTERM, which
   * lets the current batch finish. 0 after a stop, 1 when the query kept failing.
   */
  static int superviseStreaming(String name, SparkSession spark, Supplier<StreamingQuery> start) {
    return superviseStreaming(name, spark, List.of(start));
  }

  /** The same for a job with several queries: each has its own supervisor; the job ends when all have. */
  static int superviseStreaming(String name, SparkSession spark, List<Supplier<StreamingQuery>> starts) {
    List<QuerySupervisor> supervisors = starts.stream()
        .map(start -> new QuerySupervisor(start, QuerySupervisor.RestartPolicy.defaults())).toList();
    GracefulShutdown.install(spark, BATCH_GRACE, () -> supervisors.forEach(QuerySupervisor::stop));
    LOG.info("{} starting; SIGTERM stops it after the current batch", name);
    List<CompletableFuture<Integer>> running = supervisors.stream()
        .map(s -> CompletableFuture.supplyAsync(s::run)).toList();
    int status = 0;
    for (CompletableFuture<Integer> run : running) {
      status = Math.max(status, run.join());
      if (status != 0) {
        // One query gave up: stop the others too, so the job's exit says it failed.
        supervisors.forEach(QuerySupervisor::stop);
        java.util.Arrays.stream(spark.streams().active()).forEach(q -> {
          try {
            q.stop();
          } catch (Exception e) {
            LOG.warn("stopping {}: {}", q.name(), e.toString());
          }
        });
      }
    }
    return status;
  }
}
