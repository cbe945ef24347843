package io.cryptolake.jobs;

import io.cryptolake.cli.Cli;
import io.cryptolake.cli.Server;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.metrics.JobLogging;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.streaming.CheckpointLease;
import io.cryptolake.streaming.GracefulShutdown;
import io.cryptolake.streaming.QuerySupervisor;
import io.cryptolake.streaming.ServerWatch;
import io.cryptolake.streaming.StartupWait;
import io.cryptolake.streaming.StreamConfig;
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

/** What every streaming entry point does around its queries: supervise them, wait, return an exit status. */
final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  private static final Duration BATCH_GRACE = Duration.ofSeconds(60);
  private static final Duration SERVER_REPORT = Duration.ofSeconds(30);

  private JobRunner() {}

  /** Every job's main: the product's logging where a JVM was asked to apply it (JobLogging), then the command. */
  static void main(Object job, String[] args) {
    JobLogging.applyIfAsked();
    Cli.exit(job, args);
  }

  /**
   * Runs the job's queries, each under its own supervisor (a failed query restarts from its checkpoint), until
   * SIGTERM, which lets the current batches finish. The job ends as soon as any query gives up: the others are
   * stopped and the exit status is 1, so the cluster manager or an operator restarts the whole job; 0 after a
   * stop. {@code servers} are the ones the queries need: those that do not answer are named at start and after
   * each failure.
   */
  /** A streaming job's queries under supervision; publishes the job's trigger interval as it starts them. */
  static int superviseStreaming(String name, StreamConfig stream, SparkSession spark, List<Server> servers,
      List<Supplier<StreamingQuery>> starts) {
    JobMetrics.set(LakeMetric.TRIGGER_INTERVAL_MS, stream.triggerInterval().toMillis());
    return superviseStreaming(name, spark, servers, starts, QuerySupervisor.RestartPolicy.defaults());
  }

  static int superviseStreaming(String name, SparkSession spark, List<Server> servers,
      List<Supplier<StreamingQuery>> starts, QuerySupervisor.RestartPolicy policy) {
    ServerWatch watch = new ServerWatch(servers);
    String down = watch.down();
    if (!down.isEmpty()) {
      LOG.warn("{}: {}; its queries start once it answers", name, down);
    }
    // A client waiting on a server may not fail for minutes (Kafka's admin client retries quietly): say so.
    watch.reportEvery(SERVER_REPORT, line -> LOG.warn("{}: {}; waiting for it", name, line));
    List<QuerySupervisor> supervisors = starts.stream()
        .map(start -> new QuerySupervisor(start, policy, watch)).toList();
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

  /** A start-up step that reads the lake, run again while one of {@code servers} does not answer. */
  static void beforeQueries(String name, List<Server> servers, Runnable step) {
    StartupWait.run(name, new ServerWatch(servers), QuerySupervisor.RestartPolicy.defaults(), step);
  }

  /**
   * The lease of the job's checkpoint ({@link CheckpointLease}), taken before Spark starts so a second copy stops
   * before it binds a port or reads a row. Should another copy take it over, this JVM exits 1 (after its
   * shutdown hook stops the queries).
   */
  static CheckpointLease lease(String name, StreamConfig stream, LakeConfig lake) {
    return CheckpointLease.acquire(stream.checkpointFor(name), LakeSession.hadoopConfiguration(lake), name,
        () -> System.exit(1));
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
