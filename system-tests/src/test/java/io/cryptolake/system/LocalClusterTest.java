package io.cryptolake.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.producers.synthetic.SyntheticProducer;
import io.cryptolake.proof.LocalCluster;
import io.cryptolake.proof.Project;
import io.cryptolake.lake.Tables;
import io.cryptolake.localstack.TopicReader;
import io.cryptolake.schemas.DlqReason;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The local cluster as an operator runs it in production's deploy mode: bin/cluster up, `make submit-all` in
 * cluster deploy mode (each job through its spark-submit script; the master puts every driver on a worker,
 * which fetches the jobs jar by URL and runs it in its own directory, and restarts it after a kill -9),
 * all five RUNNING in the Master UI at once, synthetic trades on 6 partitions per topic through to gold
 * (bronze-binance with an executor on each worker), every metric at each job's Prometheus endpoint with the
 * exact counts, no driver or executor using a file of the submitting host, every driver and executor started
 * from the build's class-data-sharing archive with room in its JIT code cache, `make status`, `make reconcile`
 * against the producer's manifest, and `make cluster-down` leaving no process behind. Uses the ports of
 * config/local.env: a local cluster already running on them makes the test fail at once.
 */
class LocalClusterTest {
  private static final int PARTITIONS = 6;
  private static final LocalCluster CLUSTER = new LocalCluster(Project.file("system-tests/target/cluster"), false,
      LocalCluster.DeployMode.CLUSTER).withEnv("CRYPTOLAKE_MAX_CORES_BRONZE_BINANCE", "2")
      // An operator's override of the 10 s default, from the submitting host's environment to every driver the
      // workers start (trigger_interval_ms below shows it arrived); it keeps this test's four hops short. The bars
      // too: reconcile checks them right after gold's count is reached.
      .withEnv("CRYPTOLAKE_TRIGGER_INTERVAL", "2s").withEnv("CRYPTOLAKE_GOLD_BARS_EVERY", "2s")
      // The jobs' snapshot expiry every 20 s instead of 10 minutes: it runs, on S3, within the test.
      .withEnv("CRYPTOLAKE_EXPIRE_SNAPSHOTS_EVERY", "20s");

  @AfterAll
  static void stopWhateverIsLeft() {
    CLUSTER.run(Duration.ofMinutes(5), "bin/cluster", "down");
  }

  @Test
  void fiveJobsRunAtOnceOnTheClusterCarryEveryRecordToGoldAndLeaveNothingBehind() throws Exception {
    CLUSTER.requirePortsFree();
    CLUSTER.clean();
    Project.Result up = CLUSTER.run(Duration.ofMinutes(5), "bin/cluster", "up");
    assertEquals(0, up.exit(), up.output());

    Project.Result submit = CLUSTER.run(Duration.ofMinutes(2), "make", "--no-print-directory", "submit-all");
    assertEquals(0, submit.exit(), submit.output());
    List<String> jobs = Project.streamingJobs();
    await("all five jobs RUNNING in the Master UI at once").atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2)).until(() -> CLUSTER.runningApps().containsAll(jobs));
    // gold is killed before any trade is sent, so its new driver's metrics count every row; the trades go in
    // while the worker restarts it (bronze and silver carry them meanwhile).
    Runnable goldRestarted = killDriver("gold");

    Path manifest = CLUSTER.dir().resolve("manifest.json");
    Manifest sent = new SyntheticProducer(SyntheticConfig.defaults(CLUSTER.kafkaBootstrap(), CLUSTER.registryUrl())
        .withCount(2_000).withFaults(SyntheticConfig.spreadFaults(0.05)).withSeed(61).withPartitions(PARTITIONS)
        .withManifest(manifest)).run();
    goldRestarted.run();
    long expectedGold = sent.exchanges().values().stream().mapToLong(c -> c.valid() - c.duplicates()).sum();

    await("gold holds every valid trade once").atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(2))
        .untilAsserted(() -> assertEquals(expectedGold, CLUSTER.metrics("gold").get("records_out"), "gold records_out"));
    assertTrue(CLUSTER.runningApps().containsAll(jobs), "still all RUNNING after the data went through");
    assertEquals(List.of(1, 1), CLUSTER.executorsPerWorker("bronze-binance"),
        "bronze-binance (two cores) has an executor on each of the two workers");
    SubmittingHost.assertNotUsedBy(CLUSTER, jobs);
    assertJobJvmsShareTheClassArchive();
    assertJobJvmsHaveRoomForCompiledCode();

    for (String job : jobs) {
      Map<String, Double> metrics = CLUSTER.metrics(job);
      Set<String> missing = new HashSet<>(expectedNames());
      missing.removeAll(metrics.keySet());
      assertEquals(Set.of(), missing, job + " lacks metrics");
      assertEquals(2_000.0, metrics.get("trigger_interval_ms"), job);
      assertTrue(metrics.get("batch_duration_ms") > 0, job + " batch_duration_ms");
      assertTrue(metrics.get("iceberg_commits") >= 1, job + " iceberg_commits");
      assertTrue(metrics.get("iceberg_commit_duration_ms") > 0, job + " iceberg_commit_duration_ms");
      assertTrue(metrics.get("lag_seconds") >= 0 && metrics.get("lag_seconds") < 600, job + " lag_seconds");
    }
    for (var entry : sent.exchanges().entrySet()) {
      Manifest.ExchangeCounts counts = entry.getValue();
      Map<String, Double> bronze = CLUSTER.metrics("bronze-" + entry.getKey());
      assertEquals((double) counts.sent(), bronze.get("records_in"), "bronze records_in");
      assertEquals((double) counts.sent(), bronze.get("records_out"), "bronze records_out");
      assertEquals(0.0, bronze.get("offsets_behind_latest"), "bronze caught up");
      assertTrue(bronze.get("iceberg_files_written") >= 1 && bronze.get("iceberg_bytes_written") > 0);

      Map<String, Double> silver = CLUSTER.metrics("silver-" + entry.getKey());
      assertEquals((double) counts.sent(), silver.get("records_in"), "silver records_in");
      assertEquals((double) counts.valid(), silver.get("records_valid"), "silver records_valid");
      assertEquals((double) counts.expectedDlqTotal(), silver.get("records_invalid"), "silver records_invalid");
      assertEquals((double) counts.sent(), silver.get("records_out"), "silver records_out");
      Map<String, Double> dlqByType = new TreeMap<>();
      silver.forEach((name, value) -> {
        if (name.startsWith("dlq_rows_") && value > 0) {
          dlqByType.put(name.substring("dlq_rows_".length()), value);
        }
      });
      assertEquals(expectedByType(counts.expectedDlqReasons()), dlqByType, "silver DLQ rows by error_type");
      assertTrue(silver.get("dlq_rate") >= 0 && silver.get("dlq_rate") <= 1, "dlq_rate");
    }
    Map<String, Double> gold = CLUSTER.metrics("gold");
    assertEquals((double) sent.exchanges().values().stream().mapToLong(Manifest.ExchangeCounts::duplicates).sum(),
        gold.get("duplicates_removed"), "gold duplicates_removed");
    assertEquals(0.0, gold.get("late_rows"), "gold late_rows");

    // Gold runs two queries (trades, then bars from gold's new rows); each one's last batch shows, whichever
    // logged last. The bars query may still be on its first batch when gold's count is reached.
    await("make status shows every query's last batch").atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofSeconds(5)).untilAsserted(() -> {
          Project.Result status = CLUSTER.run(Duration.ofMinutes(1), "make", "--no-print-directory", "status");
          assertEquals(0, status.exit(), status.output());
          for (String job : jobs) {
            assertTrue(Pattern.compile("(?m)^\\s+" + Pattern.quote(job) + "\\s+RUNNING\\s").matcher(status.output())
                .find(), job + " RUNNING in make status:\n" + status.output());
          }
          for (String query : List.of("bronze-binance batch", "silver-kraken batch", "gold batch", "bars batch")) {
            assertTrue(Pattern.compile("(?m)^  last batch [0-9-]+ [0-9:.]+: " + Pattern.quote(query) + " [0-9]+: ")
                .matcher(status.output()).find(),
                "make status shows the last '" + query + "' line:\n" + status.output());
          }
        });

    // A second copy of a running job (its script run again, past bin/cluster's pid file) stops before it starts;
    // beside it, the operator's three batch commands side by side (each only reads the lake), as they may be run.
    CompletableFuture<Project.Result> secondRun = CompletableFuture.supplyAsync(() -> CLUSTER.run(
        Duration.ofMinutes(2), "bin/cluster", "batch", "gold"));
    CompletableFuture<Project.Result> sqlRun = CompletableFuture.supplyAsync(() -> CLUSTER.run(Duration.ofMinutes(5),
        "make", "--no-print-directory", "sql",
        "ARGS=-e 'SELECT count(*) AS gold_rows FROM gold_crypto_trades; " + exactPartitions() + "'"));
    CompletableFuture<Project.Result> historyRun = CompletableFuture.supplyAsync(() -> CLUSTER.run(
        Duration.ofMinutes(5), "make", "--no-print-directory", "history", "ARGS=gold_crypto_trades --last 5"));
    Project.Result reconcile = CLUSTER.run(Duration.ofMinutes(5), "make", "--no-print-directory", "reconcile",
        "ARGS=--manifest " + manifest);
    assertEquals(0, reconcile.exit(), reconcile.output());
    assertTrue(reconcile.output().contains("manifest: PASS"), reconcile.output());
    for (var entry : sent.exchanges().entrySet()) {
      assertTrue(reconcile.output().contains(String.format("kafka %-8s %s: %,d records held, bronze has read them all; "
          + "missing 0, not in Kafka 0", entry.getKey(), entry.getValue().topic(), entry.getValue().sent())),
          "bronze holds every Kafka offset once:\n" + reconcile.output());
    }

    // The operator's look at the lake: SQL with local.env's settings, and a table's history.
    long distinctValid = sent.exchanges().values().stream().mapToLong(c -> c.valid() - c.duplicates()).sum();
    // Also: each topic has 6 partitions; each one that holds records (the keys are symbols: one may get none)
    // is in bronze with its offsets from 0, each exactly once, none skipped.
    Project.Result sql = sqlRun.join();
    assertEquals(0, sql.exit(), sql.output());
    assertTrue(Pattern.compile("(?m)^gold_rows\\n-+\\n" + distinctValid + "\\n\\(1 row\\)$").matcher(sql.output()).find(),
        "make sql counts " + distinctValid + " gold rows:\n" + sql.output());
    for (var entry : sent.exchanges().entrySet()) {
      Map<Integer, Long> inKafka = TopicReader.recordsPerPartition(CLUSTER.kafkaBootstrap(), entry.getValue().topic());
      assertEquals(PARTITIONS, inKafka.size(), entry.getValue().topic() + " partitions");
      long holding = inKafka.values().stream().filter(n -> n > 0).count();
      assertTrue(Pattern.compile("(?m)^" + entry.getKey() + "\\s+" + holding + "\\s+" + holding + "\\s+"
          + entry.getValue().sent() + "$").matcher(sql.output()).find(),
          entry.getKey() + ": " + holding + " partitions hold records, each exactly in bronze:\n" + sql.output());
    }
    Project.Result second = secondRun.join();
    assertEquals(2, second.exit(), second.output());
    assertTrue(second.output().contains("gold: already running: the checkpoint "), second.output());
    Project.Result history = historyRun.join();
    assertEquals(0, history.exit(), history.output());
    assertTrue(history.output().contains("iceberg.market_data.gold_crypto_trades: " + String.format("%,d", distinctValid)
        + " rows in "), history.output());
    assertTrue(Pattern.compile("(?m)  append     gold:[0-9a-f]{8} ").matcher(history.output()).find(), history.output());

    assertEachJobExpiresItsTablesSnapshots(jobs);

    Set<ProcessHandle> started = CLUSTER.processes();
    assertTrue(started.size() >= 9, "servers, master, two workers and five jobs: " + started.size());
    Project.Result down = CLUSTER.run(Duration.ofMinutes(5), "make", "--no-print-directory", "cluster-down");
    assertEquals(0, down.exit(), down.output());
    List<String> alive = started.stream().filter(ProcessHandle::isAlive)
        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
    assertEquals(List.of(), alive, "processes left after make cluster-down");
    CLUSTER.requirePortsFree();
  }

  /** Beside its queries, each job's driver expired the old snapshots of the table it writes, without a failure. */
  private static void assertEachJobExpiresItsTablesSnapshots(List<String> jobs) throws Exception {
    for (Map.Entry<String, Path> log : CLUSTER.jobLogs(jobs).entrySet()) {
      String job = log.getKey();
      String table = job.equals("gold") ? Tables.GOLD : job.startsWith("silver-")
          ? Tables.silverName(Exchange.fromId(job.substring("silver-".length())))
          : Tables.bronzeName(Exchange.fromId(job.substring("bronze-".length())));
      String text = java.nio.file.Files.readString(log.getValue());
      Pattern expiry = Pattern.compile("snapshot expiry: \\S+\\." + table + ": [0-9]+ expired, [0-9]+ kept in [0-9]+ ms");
      assertTrue(expiry.matcher(text).find(), job + " expired old snapshots of " + table + " (" + log.getValue() + ")");
      assertTrue(!text.contains("snapshot expiry failed"), job + ": " + log.getValue());
    }
  }

  /**
   * Every driver and executor of the jobs starts from the build's class-data-sharing archive
   * (spark-submit/class-archive.sh): more than 5,000 of its classes came from a shared archive, where the
   * JDK's own archive alone gives a Spark JVM about 1,240 (jcmd's counter; a JVM that could not use the archive
   * runs on, so only the count shows it).
   */
  private static void assertJobJvmsShareTheClassArchive() throws Exception {
    for (ProcessHandle jvm : jobJvms()) {
      long shared = sharedClasses(jvm);
      assertTrue(shared > 5_000, jvm.pid() + " loaded " + shared + " classes from shared archives: "
          + jvm.info().commandLine().orElse("?"));
    }
  }

  /**
   * Every driver's and executor's JIT code cache has room: at most a third of it ever used, here after a few
   * minutes. With the client compiler alone HotSpot reserves 48 MB, which a driver outgrew after 6-8 minutes at
   * 2,000 trades/s; from then on it threw compiled code away and compiled it again, for good (docs/benchmarks.md,
   * round 15). This run's drivers already fill half of 48 MB.
   */
  private static void assertJobJvmsHaveRoomForCompiledCode() throws Exception {
    Pattern usage = Pattern.compile("size=([0-9]+)Kb used=[0-9]+Kb max_used=([0-9]+)Kb");
    Map<Long, String> peaks = new TreeMap<>();
    boolean room = true;
    for (ProcessHandle jvm : jobJvms()) {
      String codeCache = jcmd(jvm, "Compiler.codecache");
      var matcher = usage.matcher(codeCache);
      assertTrue(matcher.find(), "jcmd " + jvm.pid() + " Compiler.codecache: " + codeCache);
      long size = Long.parseLong(matcher.group(1));
      long peak = Long.parseLong(matcher.group(2));
      peaks.put(jvm.pid(), peak + " of " + size + " KB");
      room &= peak * 3 <= size;
    }
    System.out.println("code caches at their peak, per pid: " + peaks);
    assertTrue(room, "code caches at their peak, per pid: " + peaks);
  }

  private static List<ProcessHandle> jobJvms() {
    List<ProcessHandle> jvms = CLUSTER.processes().stream().filter(p -> p.info().commandLine()
        .map(c -> c.contains("CoarseGrainedExecutorBackend") || c.contains("DriverWrapper")).orElse(false)).toList();
    assertTrue(jvms.size() >= 10, "five drivers and their executors: " + jvms.size());
    return jvms;
  }

  private static long sharedClasses(ProcessHandle jvm) throws Exception {
    String counters = jcmd(jvm, "PerfCounter.print");
    var shared = Pattern.compile("java\\.cls\\.sharedLoadedClasses=([0-9]+)").matcher(counters);
    assertTrue(shared.find(), "jcmd " + jvm.pid() + " PerfCounter.print: " + counters);
    return Long.parseLong(shared.group(1));
  }

  private static String jcmd(ProcessHandle jvm, String command) throws Exception {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(jvm.pid()), command).redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    jcmd.waitFor();
    return output;
  }

  /**
   * kill -9 of a job's driver; the check it returns awaits its worker starting it again (--supervise) under the
   * same driver id, as a new application, with nobody resubmitting it.
   */
  private static Runnable killDriver(String job) {
    String driverId = CLUSTER.driverId(job).orElseThrow();
    String app = CLUSTER.runningAppIds().get(job);
    ProcessHandle driver = CLUSTER.driver(job).orElseThrow(() -> new AssertionError("no driver process of " + job));
    driver.destroyForcibly();
    driver.onExit().join();
    return () -> restartedByItsWorker(job, driverId, app, driver);
  }

  private static void restartedByItsWorker(String job, String driverId, String app, ProcessHandle driver) {
    await(job + " RUNNING again as a new application").atMost(Duration.ofMinutes(3))
        .pollInterval(Duration.ofSeconds(2)).until(() -> {
          String now = CLUSTER.runningAppIds().get(job);
          return now != null && !now.equals(app);
        });
    assertEquals(Optional.of(driverId), CLUSTER.driverId(job), "the same driver, restarted by its worker");
    assertTrue(CLUSTER.driver(job).map(p -> p.pid() != driver.pid()).orElse(false), "a new driver process");
  }

  /** Per exchange: partitions in bronze, how many hold offsets 0..n-1 each exactly once, and rows. */
  private static String exactPartitions() {
    StringBuilder sql = new StringBuilder();
    for (Exchange exchange : Exchange.values()) {
      sql.append(sql.length() == 0 ? "" : " UNION ALL ").append("SELECT \"").append(exchange.id())
          .append("\" AS exchange, count(*) AS partitions, sum(CASE WHEN n = offsets AND low = 0 AND high = n - 1 ")
          .append("THEN 1 ELSE 0 END) AS exact, sum(n) AS rows FROM (SELECT kafka_partition, count(*) AS n, ")
          .append("count(DISTINCT kafka_offset) AS offsets, min(kafka_offset) AS low, max(kafka_offset) AS high ")
          .append("FROM ").append(Tables.bronzeName(exchange)).append(" GROUP BY kafka_partition)");
    }
    return sql.toString();
  }

  /** DLQ reasons of the manifest, summed by their error_type. */
  private static Map<String, Double> expectedByType(Map<String, Long> byReason) {
    Map<String, Double> byType = new TreeMap<>();
    byReason.forEach((reason, n) -> byType.merge(
        DlqReason.valueOf(reason.toUpperCase(Locale.ROOT)).type().value(), (double) n, Double::sum));
    return byType;
  }

  private static Set<String> expectedNames() {
    Set<String> names = new HashSet<>();
    for (LakeMetric m : LakeMetric.values()) {
      names.add(m.metricName());
    }
    for (DlqReason.ErrorType type : DlqReason.ErrorType.values()) {
      names.add("dlq_rows_" + type.value());
    }
    return names;
  }
}
