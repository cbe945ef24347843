package io.cryptolake.jobs;

import io.cryptolake.cli.Cli;
import io.cryptolake.cli.Server;
import io.cryptolake.gold.GoldConfig;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.maintain.SnapshotExpiry;
import io.cryptolake.metrics.JobLogging;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.metrics.QueryTriggers;
import io.cryptolake.streaming.CheckpointLease;
import io.cryptolake.streaming.GracefulShutdown;
import io.cryptolake.streaming.LeaseStore;
import io.cryptolake.streaming.QuerySupervisor;
import io.cryptolake.streaming.SchedulerPools;
import io.cryptolake.streaming.ServerWatch;
import io.cryptolake.streaming.StartupWait;
import io.cryptolake.streaming.StreamConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import java.util.stream.Collectors;
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
   * Runs streaming jobs in one application named {@code app}: one job (its own spark-submit script) or
   * several (pipeline.sh). Each job takes its checkpoint's lease before Spark starts, so a copy already
   * running stops this one before it binds a port or reads a row (should another copy take a lease over
   * later, this JVM exits 1 after its shutdown hook stops the queries); then its check before the queries,
   * then its queries under supervision ({@link #superviseStreaming}). Each job keeps its own checkpoints,
   * so a deployment can move between five applications and one without losing state; in one application
   * each job has its own metrics ({@link JobMetrics#declareJobs}). Each job has its own pool of Spark's fair
   * scheduler (gold's bars one more), so a long silver batch does not hold bronze's tasks back, nor a long
   * bars batch gold's trades. Beside the queries, the tables the jobs write have their old snapshots expired
   * ({@link SnapshotExpiry#every}).
   */
  static int runStreaming(String app, StreamConfig stream, LakeConfig lake, List<JobQueries> jobs) {
    List<AutoCloseable> open = new ArrayList<>();
    try {
      LeaseStore leaseStore = new LeaseStore(LakeSession.hadoopConfiguration(lake));
      open.add(leaseStore);
      open.addAll(leases(jobs, stream, leaseStore));
      boolean together = jobs.size() > 1;
      if (together) {
        JobMetrics.declareJobs(jobs.stream().map(JobQueries::name).toList());
      }
      // Fair scheduling between pools: one per job, and gold's bars in one of their own (OhlcvStream), so a long
      // batch of one query does not hold the tasks of another back; background work waits for all of them.
      List<String> pools = new ArrayList<>(jobs.stream().map(JobQueries::name).toList());
      pools.add(GoldConfig.OHLCV_QUERY);
      SparkSession spark = LakeSession.forJob(app, lake, SchedulerPools.settings(pools));
      // Once per application, each table once: both silvers write the DLQ.
      open.add(SnapshotExpiry.every(stream.expireSnapshotsEvery(), spark, lake, stream.checkpointRoot(),
          jobs.stream().flatMap(job -> job.writes().stream()).collect(Collectors.toCollection(LinkedHashSet::new))));
      Set<Server> servers = new LinkedHashSet<>();
      List<Supplier<StreamingQuery>> starts = new ArrayList<>();
      for (JobQueries job : jobs) {
        beforeQueries(job.name(), job.servers(), () -> job.beforeQueries().accept(spark));
        servers.addAll(job.servers());
        // In the job's context: what runs beside the queries (its threads too) updates the job's metrics.
        open.add(JobMetrics.asJob(job.name(), () -> {
          JobMetrics.set(LakeMetric.TRIGGER_INTERVAL_MS, stream.triggerInterval().toMillis());
          QueryTriggers.ofJob(job.name(), stream.triggerInterval());
          return job.beside().apply(spark);
        }));
        for (Supplier<StreamingQuery> start : job.queries().apply(spark)) {
          starts.add(() -> JobMetrics.asJob(job.name(), () -> {
            // Inherited by the query's stream thread, like the metrics' job.
            spark.sparkContext().setLocalProperty(SchedulerPools.PROPERTY, job.name());
            return start.get();
          }));
        }
      }
      return superviseStreaming(app, spark, List.copyOf(servers), starts, QuerySupervisor.RestartPolicy.defaults());
    } finally {
      closeAll(open);
      // Only a JVM that goes on after its jobs (a test) sees this: its next queries are its own again.
      JobMetrics.declareJobs(List.of());
    }
  }

  /**
   * Runs the queries, each under its own supervisor (a failed query restarts from its checkpoint), until
   * SIGTERM, which lets the current batches finish. The application ends as soon as any query gives up: the
   * others are stopped and the exit status is 1, so the cluster manager or an operator restarts it; 0 after a
   * stop. {@code servers} are the ones the queries need: those that do not answer are named at start and after
   * each failure.
   */
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
        .map(s -> CompletableFuture.supplyAsync(s::run, daemonThreadPerTask("query-supervisor"))).toList();
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

  /** The body of a batch command, on its session. */
  @FunctionalInterface
  interface SessionBody {
    int run(SparkSession spark) throws Exception;
  }

  /**
   * A batch command's body on a session of its own (named for the Spark UI), stopped after it. A body that
   * throws ends the JVM, and the session with it; the session is not stopped here then, because in-process
   * callers (the tests) share theirs with the command.
   */
  static int onSession(String name, LakeConfig lake, SessionBody body) throws Exception {
    SparkSession spark = LakeSession.forJob(name, lake);
    int exit = body.run(spark);
    spark.stop();
    return exit;
  }

  /** A start-up step that reads the lake, run again while one of {@code servers} does not answer. */
  static void beforeQueries(String name, List<Server> servers, Runnable step) {
    StartupWait.run(name, new ServerWatch(servers), QuerySupervisor.RestartPolicy.defaults(), step);
  }

  /**
   * Every job's lease, taken side by side (each waits a second to read its lease back) through one store's file
   * system. Should another copy take one over later, this JVM exits 1 after its shutdown hook stops the queries.
   * When one is refused, those taken are given up and the refusal is thrown.
   */
  private static List<CheckpointLease> leases(List<JobQueries> jobs, StreamConfig stream, LeaseStore store) {
    Executor takers = daemonThreadPerTask("lease-taker");
    List<CompletableFuture<CheckpointLease>> taking = jobs.stream()
        .map(job -> CompletableFuture.supplyAsync(() -> CheckpointLease.acquire(stream.checkpointFor(job.name()),
            store, job.name(), () -> System.exit(1)), takers))
        .toList();
    List<CheckpointLease> taken = new ArrayList<>();
    RuntimeException refused = null;
    for (CompletableFuture<CheckpointLease> lease : taking) {
      try {
        taken.add(lease.join());
      } catch (CompletionException e) {
        refused = refused != null ? refused
            : e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      }
    }
    if (refused != null) {
      closeAll(taken);
      throw refused;
    }
    return taken;
  }

  /** Closes in reverse order of opening; a failure to close one does not keep the others open. */
  private static void closeAll(List<? extends AutoCloseable> open) {
    for (int i = open.size() - 1; i >= 0; i--) {
      try {
        open.get(i).close();
      } catch (Exception e) {
        LOG.warn("could not close {}: {}", open.get(i), e.toString());
      }
    }
  }

  /** A thread per task: a query blocks its supervisor for its whole life, a lease its taker for a second. */
  private static Executor daemonThreadPerTask(String name) {
    return task -> {
      Thread thread = new Thread(task, name);
      thread.setDaemon(true);
      thread.start();
    };
  }
}
