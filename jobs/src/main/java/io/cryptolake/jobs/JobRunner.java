package io.cryptolake.jobs;

import io.cryptolake.streaming.GracefulShutdown;
import io.cryptolake.streaming.QuerySupervisor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
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

  /**
   * The same for a job with several queries: each has its own supervisor. The job ends as soon as any query
   * gives up (the others are stopped and the exit status is 1, so the cluster manager or an operator restarts
   * the whole job), or when all have stopped after SIGTERM (0).
   */
  static int superviseStreaming(String name, SparkSession spark, List<Supplier<StreamingQuery>> starts) {
    return superviseStreaming(name, spark, starts, QuerySupervisor.RestartPolicy.defaults());
  }

  static int superviseStreaming(String name, SparkSession spark, List<Supplier<StreamingQuery>> starts,
      QuerySupervisor.RestartPolicy policy) {
    List<QuerySupervisor> supervisors = starts.stream().map(start -> new QuerySupervisor(start, policy)).toList();
    GracefulShutdown.install(spark, BATCH_GRACE, () -> supervisors.forEach(QuerySupervisor::stop));
    LOG.info("{} starting; SIGTERM stops it after the current batch", name);
    List<CompletableFuture<Integer>> running = supervisors.stream()
        .map(s -> CompletableFuture.supplyAsync(s::run, daemonThreadPerQuery())).toList();
    List<CompletableFuture<Integer>> waiting = new ArrayList<>(running);
    while (!waiting.isEmpty()) {
      CompletableFuture.anyOf(waiting.toArray(CompletableFuture[]::new)).join();
      for (CompletableFuture<Integer> done : waiting.stream().filter(CompletableFuture::isDone).toList()) {
        waiting.remove(done);
        if (done.join() != 0) {
          LOG.error("{}: a query gave up; stopping the job's other queries and exiting 1", name);
          supervisors.forEach(QuerySupervisor::stop);
          GracefulShutdown.stopAll(spark, Duration.ZERO);
          running.forEach(CompletableFuture::join);
          return 1;
        }
      }
    }
    return 0;
  }

  /** A thread per supervisor: a query blocks its supervisor for its whole life. */
  private static Executor daemonThreadPerQuery() {
    return task -> {
      Thread thread = new Thread(task, "query-supervisor");
      thread.setDaemon(true);
      thread.start();
    };
  }
}
