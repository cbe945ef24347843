package io.cryptolake.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.producers.synthetic.Manifest;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.producers.synthetic.SyntheticProducer;
import io.cryptolake.schemas.DlqReason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The local cluster as an operator runs it: bin/cluster up, `make submit-all` (each job through its
 * spark-submit script and the built jobs jar), all five RUNNING in the Master UI at once, synthetic trades
 * through to gold, every metric at each job's Prometheus endpoint with the exact counts, `make status`,
 * `make reconcile`, and `make cluster-down` leaving no process behind. Uses the ports of config/local.env:
 * a local cluster already running on them makes the test fail at once, saying so.
 */
class LocalClusterTest {
  private static final Map<String, String> ENV = Project.localEnv();
  private static final Path DIR = Project.file("system-tests/target/cluster");
  private static final Map<String, String> CLUSTER = Map.of(
      "CRYPTOLAKE_CLUSTER_DIR", DIR.resolve("state").toString(),
      "CRYPTOLAKE_DATA_DIR", DIR.resolve("data").toString(),
      "CRYPTOLAKE_CATALOG_URI", "jdbc:sqlite:" + DIR.resolve("catalog/iceberg.db"));
  private static final Pattern PLUGIN_METRIC = Pattern.compile(
      "^metrics_cryptolake_driver_plugin_io_cryptolake_metrics_LakeMetricsPlugin_(\\w+)_(Count|Value)\\{[^}]*} (\\S+)$",
      Pattern.MULTILINE);
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @AfterAll
  static void stopWhateverIsLeft() {
    Project.run(CLUSTER, Duration.ofMinutes(5), "bin/cluster", "down");
  }

  @Test
  void fiveJobsRunAtOnceOnTheClusterCarryEveryRecordToGoldAndLeaveNothingBehind() throws Exception {
    portsAreFree();
    deleteRecursively(DIR);
    Project.Result up = Project.run(CLUSTER, Duration.ofMinutes(5), "bin/cluster", "up");
    assertEquals(0, up.exit(), up.output());

    Project.Result submit = Project.run(CLUSTER, Duration.ofMinutes(2), "make", "--no-print-directory", "submit-all");
    assertEquals(0, submit.exit(), submit.output());
    List<String> jobs = Project.streamingJobs();
    await("all five jobs RUNNING in the Master UI at once").atMost(Duration.ofMinutes(5))
        .pollInterval(Duration.ofSeconds(2)).until(() -> runningApps().containsAll(jobs));

    String registry = "http://127.0.0.1:" + ENV.get("CRYPTOLAKE_REGISTRY_PORT") + "/apis/ccompat/v7";
    Manifest sent = new SyntheticProducer(SyntheticConfig.defaults("127.0.0.1:" + ENV.get("CRYPTOLAKE_KAFKA_PORT"),
        registry).withCount(2_000).withFaults(SyntheticConfig.spreadFaults(0.05)).withSeed(61)
        .withManifest(DIR.resolve("manifest.json"))).run();
    long expectedGold = sent.exchanges().values().stream().mapToLong(c -> c.valid() - c.duplicates()).sum();

    await("gold holds every valid trade once").atMost(Duration.ofMinutes(8)).pollInterval(Duration.ofSeconds(5))
        .untilAsserted(() -> assertEquals(expectedGold, metrics("gold").get("records_out"), "gold records_out"));
    assertTrue(runningApps().containsAll(jobs), "still all RUNNING after the data went through");

    for (String job : jobs) {
      Map<String, Double> metrics = metrics(job);
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
      Map<String, Double> bronze = metrics("bronze-" + entry.getKey());
      assertEquals((double) counts.sent(), bronze.get("records_in"), "bronze records_in");
      assertEquals((double) counts.sent(), bronze.get("records_out"), "bronze records_out");
      assertEquals(0.0, bronze.get("offsets_behind_latest"), "bronze caught up");
      assertTrue(bronze.get("iceberg_files_written") >= 1 && bronze.get("iceberg_bytes_written") > 0);

      Map<String, Double> silver = metrics("silver-" + entry.getKey());
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
    Map<String, Double> gold = metrics("gold");
    assertEquals((double) sent.exchanges().values().stream().mapToLong(Manifest.ExchangeCounts::duplicates).sum(),
        gold.get("duplicates_removed"), "gold duplicates_removed");
    assertEquals(0.0, gold.get("late_rows"), "gold late_rows");

    Project.Result status = Project.run(CLUSTER, Duration.ofMinutes(1), "make", "--no-print-directory", "status");
    assertEquals(0, status.exit(), status.output());
    for (String job : jobs) {
      assertTrue(Pattern.compile("(?m)^\\s+" + Pattern.quote(job) + "\\s+RUNNING\\s").matcher(status.output()).find(),
          job + " RUNNING in make status:\n" + status.output());
    }
    assertTrue(status.output().contains("gold batch"), "make status shows gold's last batch:\n" + status.output());

    Project.Result reconcile = Project.run(CLUSTER, Duration.ofMinutes(5), "make", "--no-print-directory", "reconcile");
    assertEquals(0, reconcile.exit(), reconcile.output());

    Set<ProcessHandle> started = clusterProcesses();
    Project.Result down = Project.run(CLUSTER, Duration.ofMinutes(5), "make", "--no-print-directory", "cluster-down");
    assertEquals(0, down.exit(), down.output());
    List<String> alive = started.stream().filter(ProcessHandle::isAlive)
        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList();
    assertEquals(List.of(), alive, "processes left after make cluster-down");
    portsAreFree();
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

  /** The product's metrics at a job's Prometheus endpoint. */
  private static Map<String, Double> metrics(String job) throws Exception {
    String port = ENV.get(Project.uiPortVariable(job));
    String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics/prometheus/"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    Map<String, Double> metrics = new LinkedHashMap<>();
    Matcher m = PLUGIN_METRIC.matcher(body);
    while (m.find()) {
      metrics.put(m.group(1), Double.parseDouble(m.group(3)));
    }
    return metrics;
  }

  /** Names of the applications the Spark master shows RUNNING. */
  private static Set<String> runningApps() {
    try {
      String json = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + ENV.get("CRYPTOLAKE_SPARK_MASTER_UI_PORT") + "/json/")).build(), HttpResponse.BodyHandlers.ofString()).body();
      Set<String> running = new HashSet<>();
      var active = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("activeapps");
      active.forEach(app -> {
        if ("RUNNING".equals(app.path("state").asText())) {
          running.add(app.path("name").asText());
        }
      });
      return running;
    } catch (IOException e) {
      return Set.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Set.of();
    }
  }

  /** Every process bin/cluster started (from its pid files) and everything they started (executors). */
  private static Set<ProcessHandle> clusterProcesses() throws IOException {
    Set<ProcessHandle> processes = new HashSet<>();
    try (Stream<Path> files = Files.list(DIR.resolve("state"))) {
      for (Path pidFile : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(p -> {
          processes.add(p);
          p.descendants().forEach(processes::add);
        });
      }
    }
    assertTrue(processes.size() >= 9, "servers, master, two workers and five jobs: " + processes.size());
    return processes;
  }

  private static void portsAreFree() {
    for (var entry : ENV.entrySet()) {
      if (entry.getKey().endsWith("_PORT") || entry.getKey().startsWith("CRYPTOLAKE_UI_PORT_")) {
        int port = Integer.parseInt(entry.getValue());
        try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
          socket.setReuseAddress(true);
        } catch (IOException e) {
          throw new IllegalStateException("port " + port + " (" + entry.getKey() + ") is in use: this test runs a "
              + "local cluster on the ports of config/local.env; stop whatever holds it (make cluster-down)", e);
        }
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
