package io.cryptolake.proof.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cryptolake.gold.GoldLatency;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.localstack.LocalServers;
import io.cryptolake.metrics.BatchPhases;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.producers.synthetic.SyntheticProducer;
import io.cryptolake.proof.LocalCluster;
import io.cryptolake.schemas.Manifest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * The whole pipeline on the local cluster, as five applications or one: the five jobs through their scripts,
 * their first batch after a cold start, then the synthetic producer at fixed rates, each for a window, sampling
 * every job's rows behind its source, batch duration and phases, and every process's CPU; trade time to gold
 * for each window; each application's peak heap from Spark's own executor metrics.
 */
final class PipelineBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(20);
  /** The job's latest Iceberg commit (its metrics reporter): inside addBatch, but often most of it. */
  static final String ICEBERG_COMMIT = "icebergCommit";
  /** What is sampled of each job's latest batch: Spark's phases, then its latest Iceberg commit. */
  static final List<String> PHASES = Stream.concat(BatchPhases.NAMES.stream(), Stream.of(ICEBERG_COMMIT)).toList();

  /**
   * One rate held for a window: per job, how its backlog moved and how its batches looked; the cores each
   * process used; when the backlog had drained; trade time to gold for the window's trades.
   */
  record RateResult(double rate, double achievedRate, Duration window, Map<String, JobWindow> jobs,
      Map<String, Double> cores, Duration drain, GoldLatency.Percentiles latency,
      GoldLatency.Percentiles secondHalf, List<GoldLatency.Band> bands, List<GoldLatency.Minute> minutes,
      List<Instant> gapChecks, Map<String, Map<String, QueryTaskTime.Time>> taskTime,
      Map<String, Map<String, QueryTaskTime.BatchStages>> batchStages) {
    /** Every job kept up, and what the window sent was all in gold within the drain timeout. */
    boolean sustained() {
      return drain != null && jobs.values().stream().allMatch(JobWindow::keptUp);
    }
  }

  /**
   * A job in a window. Kept up: rows behind its source at the end no more than at the start plus one trigger's
   * worth of what its source received in the window. {@code behindEachMinute}: rows behind at the start and at
   * the end of every minute.
   */
  record JobWindow(List<Long> behindEachMinute, long behindAtStart, long behindAtEnd, long oneTrigger,
      double p50BatchMs, double p90BatchMs, double emptyBatches, Map<String, Double> p50PhaseMs) {
    boolean keptUp() {
      return behindAtEnd <= behindAtStart + oneTrigger;
    }
  }

  /** An application's peak JVM heap, driver and executor, in MiB (Spark's peakMemoryMetrics.JVMHeapMemory). */
  record Memory(String app, long driverPeakMib, long executorPeakMib) {}

  private final LocalCluster cluster;
  private final List<String> jobs;
  /** The applications that run them: the jobs themselves, or the one that runs them all. */
  private final List<String> apps;
  private final List<Manifest> manifests = new ArrayList<>();

  PipelineBench(LocalCluster cluster, List<String> jobs, boolean oneApplication) {
    this.cluster = cluster;
    this.jobs = jobs;
    this.apps = oneApplication ? List.of(LocalCluster.ONE_APPLICATION) : jobs;
  }

  /**
   * Submits every application and returns the time from a job's submit to its first finished batch: the first
   * batch of each of its queries committed.
   */
  Map<String, Duration> coldStart() {
    FirstCommits commits = new FirstCommits(cluster);
    Map<String, Instant> submitted = new LinkedHashMap<>();
    for (String app : apps) {
      Instant now = Instant.now();
      cluster.submit(app);
      jobs.stream().filter(job -> appOf(job).equals(app)).forEach(job -> submitted.put(job, now));
    }
    Map<String, Duration> firstBatch = new LinkedHashMap<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (firstBatch.size() < jobs.size() && System.nanoTime() < deadline) {
      List<String> waiting = jobs.stream().filter(job -> !firstBatch.containsKey(job)).toList();
      cluster.metrics(waiting).forEach((job, metrics) -> {
        // The metric first: the checkpoints are read only once the job has finished a batch of some query.
        if (metrics.getOrDefault("batch_duration_ms", 0.0) > 0 && commits.allCommitted(job)) {
          firstBatch.put(job, Duration.between(submitted.get(job), Instant.now()));
        }
      });
      LocalCluster.pause(Duration.ofMillis(500));
    }
    return firstBatch;
  }

  RateResult hold(double rate, Duration window, SparkSession spark, LakeConfig lake, LocalServers servers) {
    SyntheticConfig produce = SyntheticConfig.defaults(cluster.kafkaBootstrap(), cluster.registryUrl())
        .withCount(Long.MAX_VALUE).withRate(rate).withSeed((long) rate).withDuration(window);
    Backlog backlog = new Backlog(cluster, spark, new LakeCatalog(spark, lake), jobs);
    Backlog.Reading first = backlog.read();
    Map<String, Double> emptyAtStart = new HashMap<>();
    jobs.forEach(job -> emptyAtStart.put(job, cluster.metrics(job).getOrDefault("empty_batches", 0.0)));
    Map<String, Duration> cpuBefore = ProcessCpu.now(servers, cluster, apps);
    QueryTaskTime taskTime = new QueryTaskTime(cluster, apps);
    taskTime.sample();
    Instant from = Instant.now();
    CompletableFuture<Manifest> sent = CompletableFuture.supplyAsync(() -> new SyntheticProducer(produce).run());
    Map<String, List<Double>> batchMs = new HashMap<>();
    Map<String, Double> triggerMs = new HashMap<>();
    Map<String, Map<String, List<Double>>> phaseMs = new HashMap<>();
    Map<String, List<Long>> eachMinute = new HashMap<>();
    jobs.forEach(job -> eachMinute.computeIfAbsent(job, j -> new ArrayList<>()).add(first.behind().get(job)));
    Backlog.Reading last = first;
    Instant nextMinute = from.plus(Duration.ofMinutes(1));
    boolean done = false;
    while (!done) {
      LocalCluster.pause(SAMPLE_EVERY);
      done = sent.isDone();
      for (var metrics : cluster.metrics(jobs).entrySet()) {
        String job = metrics.getKey();
        Map<String, Double> m = metrics.getValue();
        batchMs.computeIfAbsent(job, j -> new ArrayList<>()).add(m.getOrDefault("batch_duration_ms", 0.0));
        // A job publishes the trigger of its query furthest over it (gold: trades or bars); the shortest seen is
        // the trigger of the query whose backlog is measured (gold's trades, not its bars).
        triggerMs.merge(job, m.getOrDefault("trigger_interval_ms", 2000.0), Math::min);
        for (String phase : PHASES) {
          String gauge = phase.equals(ICEBERG_COMMIT) ? LakeMetric.ICEBERG_COMMIT_DURATION_MS.metricName()
              : JobMetrics.phaseGaugeName(phase);
          phaseMs.computeIfAbsent(job, j -> new LinkedHashMap<>()).computeIfAbsent(phase, f -> new ArrayList<>())
              .add(m.getOrDefault(gauge, 0.0));
        }
      }
      // The backlog at each minute's end and the window's (table loads and checkpoint reads in this JVM, on the
      // machine being measured): not at every sample.
      if (done || !Instant.now().isBefore(nextMinute)) {
        Backlog.Reading now = backlog.read();
        last = now;
        jobs.forEach(job -> eachMinute.get(job).add(now.behind().get(job)));
        taskTime.sample();
        nextMinute = nextMinute.plus(Duration.ofMinutes(1));
      }
    }
    Manifest manifest = sent.join();
    manifests.add(manifest);
    Instant to = Instant.now();
    Duration took = Duration.between(from, to);
    Map<String, Double> cores = ProcessCpu.cores(cpuBefore, ProcessCpu.now(servers, cluster, apps), took);
    double achieved = manifest.totalSent() * 1000.0 / took.toMillis();
    Map<String, JobWindow> perJob = new LinkedHashMap<>();
    for (String job : jobs) {
      Map<String, Double> p50 = new LinkedHashMap<>();
      phaseMs.getOrDefault(job, Map.of()).forEach((phase, values) -> p50.put(phase, percentile(values, 0.5)));
      Map<String, Double> m = cluster.metrics(job);
      long received = last.received().get(job) - first.received().get(job);
      List<Double> durations = batchMs.getOrDefault(job, List.of());
      perJob.put(job, new JobWindow(eachMinute.get(job), first.behind().get(job), last.behind().get(job),
          Math.round(received * triggerMs.getOrDefault(job, 2000.0) / took.toMillis()), percentile(durations, 0.5),
          percentile(durations, 0.9),
          m.getOrDefault("empty_batches", 0.0) - emptyAtStart.get(job), p50));
    }
    // The window's trades must all be in gold before their latency is measured; a backlog that does not drain
    // in 20 minutes is reported as such (drain null), with the latency of the trades that did arrive.
    Duration drain = null;
    try {
      cluster.awaitCaughtUp(jobs, DRAIN_TIMEOUT);
      drain = Duration.between(to, Instant.now());
    } catch (IllegalStateException notDrained) {
      // reported as not drained
    }
    // The second half alone: the steady state, without the catch-up that follows a cold start.
    return new RateResult(rate, achieved, window, perJob, cores, drain,
        GoldLatency.fromTradeTime(spark, lake, from, to),
        GoldLatency.fromTradeTime(spark, lake, from.plus(took.dividedBy(2)), to),
        GoldLatency.hops(spark, lake, from, to), GoldLatency.byMinute(spark, lake, from, to),
        gapChecks(spark, lake, from, to.plus(drain == null ? DRAIN_TIMEOUT : drain)), taskTime.byApp(),
        taskTime.perBatch());
  }

  /**
   * When gold's gap checks finished in [from, to): the commits of control_sequence_progress, which every check
   * that found new trades makes. A check reads minutes of gold at once, so its minutes are worth telling apart.
   */
  private static List<Instant> gapChecks(SparkSession spark, LakeConfig lake, Instant from, Instant to) {
    String progress = lake.qualified(Tables.SEQUENCE_PROGRESS);
    if (!spark.catalog().tableExists(progress)) {
      return List.of();
    }
    return spark.table(progress + ".snapshots").select("committed_at").orderBy("committed_at").collectAsList()
        .stream().map(r -> r.getTimestamp(0).toInstant()).filter(t -> !t.isBefore(from) && t.isBefore(to)).toList();
  }

  /** Sends {@code trades} and keeps their manifest, so every job's first batch has work to do. */
  void sendWaiting(long trades) {
    manifests.add(new SyntheticProducer(SyntheticConfig.defaults(cluster.kafkaBootstrap(), cluster.registryUrl())
        .withCount(trades).withSeed(2)).run());
  }

  /** What every producer run of this deployment sent, as one manifest for reconcile. */
  Manifest sentSoFar() {
    return manifests.stream().reduce(Manifest::plus).orElseThrow();
  }

  private String appOf(String job) {
    return apps.contains(job) ? job : LocalCluster.ONE_APPLICATION;
  }

  /** Each application's peak heap, driver and executors. */
  List<Memory> peakMemory() {
    List<Memory> memory = new ArrayList<>();
    for (String app : apps) {
      long driver = 0;
      long executor = 0;
      try {
        for (JsonNode e : JSON.readTree(cluster.sparkApi(app, "allexecutors").orElse("[]"))) {
          long heap = e.path("peakMemoryMetrics").path("JVMHeapMemory").asLong() / (1024 * 1024);
          if ("driver".equals(e.path("id").asText())) {
            driver = Math.max(driver, heap);
          } else {
            executor = Math.max(executor, heap);
          }
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      memory.add(new Memory(app, driver, executor));
    }
    return memory;
  }

  private static double percentile(List<Double> values, double fraction) {
    if (values.isEmpty()) {
      return 0;
    }
    List<Double> sorted = values.stream().sorted().toList();
    return sorted.get((int) Math.max(0, Math.min(sorted.size() - 1, Math.ceil(sorted.size() * fraction) - 1)));
  }
}
