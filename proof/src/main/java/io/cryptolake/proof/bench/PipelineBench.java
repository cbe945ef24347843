package io.cryptolake.proof.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cryptolake.gold.GoldLatency;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.metrics.BatchPhases;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.producers.synthetic.SyntheticProducer;
import io.cryptolake.proof.LocalCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.SparkSession;

/**
 * The whole pipeline on the local cluster: the five jobs through their scripts, their first batch after a cold
 * start, then the synthetic producer at fixed rates, each for a window, sampling every job's batch duration
 * against its trigger and bronze's offsets behind Kafka; end-to-end latency from trade time to gold at one
 * rate; each job's peak heap from Spark's own executor metrics.
 */
final class PipelineBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(20);

  /** One rate held for a window: whether every job kept up, and how it looked. */
  record RateResult(double rate, double achievedRate, Duration window, boolean sustained, Map<String, Double> p90BatchMs,
      double maxBronzeBehind, Duration drain, GoldLatency.Percentiles latency, Map<String, Breakdown> breakdown) {}

  /** A job's batches in a window: empty batches run, and the median milliseconds of each phase. */
  record Breakdown(double emptyBatches, Map<String, Double> p50PhaseMs) {}

  /** An application's peak JVM heap, driver and executor, in MiB (Spark's peakMemoryMetrics.JVMHeapMemory). */
  record Memory(String app, long driverPeakMib, long executorPeakMib) {}

  private final LocalCluster cluster;
  private final List<String> jobs;
  /** The applications that run them: the jobs themselves, or the one that runs them all. */
  private final List<String> apps;

  PipelineBench(LocalCluster cluster, List<String> jobs, boolean oneApplication) {
    this.cluster = cluster;
    this.jobs = jobs;
    this.apps = oneApplication ? List.of(LocalCluster.ONE_APPLICATION) : jobs;
  }

  /** Submits every application and returns the time from a job's submit to its first finished batch. */
  Map<String, Duration> coldStart() {
    Map<String, Instant> submitted = new LinkedHashMap<>();
    for (String app : apps) {
      Instant now = Instant.now();
      cluster.submit(app);
      jobs.stream().filter(job -> appOf(job).equals(app)).forEach(job -> submitted.put(job, now));
    }
    Map<String, Duration> firstBatch = new LinkedHashMap<>();
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (firstBatch.size() < jobs.size() && System.nanoTime() < deadline) {
      for (String job : jobs) {
        if (!firstBatch.containsKey(job) && cluster.metrics(job).getOrDefault("batch_duration_ms", 0.0) > 0) {
          firstBatch.put(job, Duration.between(submitted.get(job), Instant.now()));
        }
      }
      LocalCluster.pause(Duration.ofMillis(500));
    }
    return firstBatch;
  }

  RateResult hold(double rate, Duration window, SparkSession spark, LakeConfig lake, boolean measureLatency) {
    SyntheticConfig produce = SyntheticConfig.defaults(cluster.kafkaBootstrap(), cluster.registryUrl())
        .withCount(Long.MAX_VALUE).withRate(rate).withSeed((long) rate).withDuration(window);
    Instant from = Instant.now();
    CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> new SyntheticProducer(produce).run().totalSent());
    Map<String, List<Double>> batchMs = new HashMap<>();
    Map<String, Map<String, List<Double>>> phaseMs = new HashMap<>();
    Map<String, Double> emptyAtStart = new HashMap<>();
    jobs.forEach(job -> emptyAtStart.put(job, cluster.metrics(job).getOrDefault("empty_batches", 0.0)));
    double maxBehind = 0;
    double lastBehind = 0;
    while (!sent.isDone()) {
      LocalCluster.pause(SAMPLE_EVERY);
      lastBehind = 0;
      for (String job : jobs) {
        Map<String, Double> m = cluster.metrics(job);
        batchMs.computeIfAbsent(job, j -> new ArrayList<>()).add(m.getOrDefault("batch_duration_ms", 0.0));
        for (String phase : BatchPhases.NAMES) {
          phaseMs.computeIfAbsent(job, j -> new LinkedHashMap<>()).computeIfAbsent(phase, f -> new ArrayList<>())
              .add(m.getOrDefault(JobMetrics.phaseGaugeName(phase), 0.0));
        }
        lastBehind += job.startsWith("bronze-") ? m.getOrDefault("offsets_behind_latest", 0.0) : 0;
      }
      maxBehind = Math.max(maxBehind, lastBehind);
    }
    long total = sent.join();
    Instant to = Instant.now();
    double achieved = total * 1000.0 / Duration.between(from, to).toMillis();
    Map<String, Double> p90 = new LinkedHashMap<>();
    Map<String, Breakdown> breakdown = new LinkedHashMap<>();
    boolean sustained = true;
    for (String job : jobs) {
      Map<String, Double> p50 = new LinkedHashMap<>();
      phaseMs.getOrDefault(job, Map.of()).forEach((phase, values) -> p50.put(phase, percentile(values, 0.5)));
      breakdown.put(job, new Breakdown(
          cluster.metrics(job).getOrDefault("empty_batches", 0.0) - emptyAtStart.get(job), p50));
      double trigger = cluster.metrics(job).getOrDefault("trigger_interval_ms", 2000.0);
      double value = percentile(batchMs.getOrDefault(job, List.of()), 0.9);
      p90.put(job, value);
      sustained &= value <= trigger;
    }
    // Behind at the end of the window by more than two triggers' worth of trades: the backlog grew.
    sustained &= lastBehind <= achieved * 4;
    // The window's trades must all be in gold before their latency is measured; a backlog that does not drain
    // in 20 minutes is reported as such (drain null), with the latency of the trades that did arrive.
    Duration drain = null;
    try {
      cluster.awaitCaughtUp(jobs, DRAIN_TIMEOUT);
      drain = Duration.between(to, Instant.now());
    } catch (IllegalStateException notDrained) {
      sustained = false;
    }
    GoldLatency.Percentiles latency = measureLatency ? GoldLatency.fromTradeTime(spark, lake, from, to) : null;
    return new RateResult(rate, achieved, window, sustained, p90, maxBehind, drain, latency, breakdown);
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
