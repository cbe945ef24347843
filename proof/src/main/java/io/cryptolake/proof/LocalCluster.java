package io.cryptolake.proof;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cryptolake.cli.DurationConverter;
import io.cryptolake.jobs.options.GoldOptions;
import io.cryptolake.jobs.options.StreamOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.localstack.DataDirs;
import io.cryptolake.localstack.LocalServersConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The local cluster of one run, driven the way an operator drives it (bin/cluster, the Makefile), with its
 * state, data and catalog under one directory: what is running in the Master UI, each job's product metrics
 * at its Prometheus endpoint, each job's driver process and log. Ports are config/local.env's, or the
 * environment's; so is the deploy mode, unless a harness names one.
 */
public final class LocalCluster {
  /** The application that runs the five jobs together (spark-submit/pipeline.sh). */
  public static final String ONE_APPLICATION = "pipeline";
  private static final Pattern PLUGIN_METRIC = Pattern.compile(
      "^metrics_cryptolake_driver_plugin_io_cryptolake_metrics_LakeMetricsPlugin_(\\w+)_(Count|Value)\\{[^}]*} (\\S+)$",
      Pattern.MULTILINE);
  private static final Pattern HEAP_USED = Pattern.compile(
      "^metrics_cryptolake_driver_jvm_heap_used_Value\\{[^}]*} (\\S+)$", Pattern.MULTILINE);
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Map<String, String> settings = Project.settings();
  private final Map<String, String> env = new HashMap<>();
  private final DeployMode deployMode;

  /** Where the jobs' drivers run: where bin/cluster submits them, or on a worker (spark-submit's deploy modes). */
  public enum DeployMode {
    CLIENT, CLUSTER;

    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A cluster in the deploy mode config/local.env (or the environment) names; see the other constructor. */
  public LocalCluster(Path dir, boolean externalServers) {
    this(dir, externalServers, null);
  }

  /**
   * A cluster whose state is under {@code dir}, its servers' data (the catalog database's too) under
   * {@link #dataDir()}; {@code externalServers}: the caller runs them, as {@link #serversConfig()} says;
   * {@code deployMode}: the jobs' (null: config/local.env's).
   */
  public LocalCluster(Path dir, boolean externalServers, DeployMode deployMode) {
    this.dir = dir.toAbsolutePath();
    String configured = settings.getOrDefault("CRYPTOLAKE_DEPLOY_MODE", "client");
    this.deployMode = deployMode != null ? deployMode : DeployMode.valueOf(configured.toUpperCase(Locale.ROOT));
    env.put("CRYPTOLAKE_DEPLOY_MODE", this.deployMode.value());
    env.put("CRYPTOLAKE_CLUSTER_DIR", this.dir.resolve("state").toString());
    env.put("CRYPTOLAKE_DATA_DIR", dataDir().toString());
    if (serversConfig().catalogServer() == LocalServersConfig.CatalogServer.NONE) {
      // No catalog server: a SQLite catalog of this run's own, not the checkout's shared one.
      env.put("CRYPTOLAKE_CATALOG_URI", "jdbc:sqlite:" + this.dir.resolve("catalog/iceberg.db"));
    }
    if (externalServers) {
      env.put("CRYPTOLAKE_EXTERNAL_SERVERS", "1");
    }
  }

  public Path dir() {
    return dir;
  }

  public DeployMode deployMode() {
    return deployMode;
  }

  /** Sets an environment variable for every command run on this cluster (an operator's export). */
  public LocalCluster withEnv(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** A variable as the jobs are submitted with it: this cluster's, else this JVM's environment, else the default. */
  private String submittedWith(String name, String defaultValue) {
    return env.getOrDefault(name, System.getenv().getOrDefault(name, defaultValue));
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  /** The local servers of this cluster, for a harness that runs them itself: config/local.env's choices. */
  public LocalServersConfig serversConfig() {
    String catalogServer = setting("CRYPTOLAKE_CATALOG_SERVER");
    return LocalServersConfig.defaults().withDataDir(dataDir()).withCatalogServer(catalogServer == null
        ? LocalServersConfig.CatalogServer.NONE
        : LocalServersConfig.CatalogServer.valueOf(catalogServer.toUpperCase(Locale.ROOT)));
  }

  /** The lake as this cluster's jobs see it (catalog, warehouse, S3), for a harness that reads it in its own JVM. */
  public LakeConfig lakeConfig() {
    LocalServersConfig servers = serversConfig();
    String warehouse = setting("CRYPTOLAKE_WAREHOUSE");
    return switch (servers.catalogServer()) {
      case NONE -> LakeConfig.s3(dir, servers.s3Endpoint(), warehouse);
      case POSTGRES -> new LakeConfig("iceberg", LakeConfig.CatalogType.JDBC, servers.catalogJdbcUrl(), warehouse,
          "market_data", servers.s3Endpoint(), "us-east-1", true);
      case REST -> new LakeConfig("iceberg", LakeConfig.CatalogType.REST, servers.restCatalogUrl(), warehouse,
          "market_data", servers.s3Endpoint(), "us-east-1", true);
    };
  }

  public Path stateDir() {
    return dir.resolve("state");
  }

  public String setting(String name) {
    return settings.get(name);
  }

  public String kafkaBootstrap() {
    return "127.0.0.1:" + setting("CRYPTOLAKE_KAFKA_PORT");
  }

  public String registryUrl() {
    return "http://127.0.0.1:" + setting("CRYPTOLAKE_REGISTRY_PORT") + "/apis/ccompat/v7";
  }

  /** Runs a command in the checkout with this cluster's environment. */
  public Project.Result run(Duration timeout, String... command) {
    return Project.run(env, timeout, command);
  }

  /** Runs a command that must succeed; its output otherwise. */
  public String runOrFail(Duration timeout, String... command) {
    Project.Result result = run(timeout, command);
    if (result.exit() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " exited " + result.exit() + ":\n" + result.output());
    }
    return result.output();
  }

  public void up() {
    runOrFail(Duration.ofMinutes(5), "bin/cluster", "up");
  }

  public void down() {
    runOrFail(Duration.ofMinutes(5), "bin/cluster", "down");
  }

  public void submit(String job, String... args) {
    List<String> command = new ArrayList<>(List.of("bin/cluster", "submit", job));
    command.addAll(List.of(args));
    runOrFail(Duration.ofMinutes(1), command.toArray(String[]::new));
  }

  /**
   * A job's driver process, when it is alive: in client mode bin/cluster's pid file names it; in cluster mode
   * it is the worker's DriverWrapper process that runs in the directory of the job's driver id.
   */
  public Optional<ProcessHandle> driver(String job) {
    Optional<String> driverId = driverId(job);
    if (driverId.isPresent()) {
      String inItsDirectory = "/" + driverId.get() + "/";
      return ProcessHandle.allProcesses().filter(p -> p.info().commandLine()
          .filter(c -> c.contains("org.apache.spark.deploy.worker.DriverWrapper") && c.contains(inItsDirectory))
          .isPresent()).findFirst();
    }
    Path pidFile = stateDir().resolve(job + ".pid");
    try {
      return Files.exists(pidFile) ? ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim()))
          .filter(ProcessHandle::isAlive) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The driver id the master gave a job submitted in cluster mode (bin/cluster keeps it). */
  public Optional<String> driverId(String job) {
    Path idFile = stateDir().resolve(job + ".driver");
    try {
      return Files.exists(idFile) ? Optional.of(Files.readString(idFile).trim()) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A job's log: its driver's stderr in a worker's directory (cluster mode), or the one bin/cluster appends to. */
  public Path jobLog(String job) {
    Optional<String> driverId = driverId(job);
    if (driverId.isPresent()) {
      for (Path worker : workerDirs()) {
        Path stderr = worker.resolve(driverId.get()).resolve("stderr");
        if (Files.exists(stderr)) {
          return stderr;
        }
      }
    }
    return stateDir().resolve(job + ".log");
  }

  /** The logs of {@code jobs}, by job. */
  public Map<String, Path> jobLogs(List<String> jobs) {
    Map<String, Path> logs = new LinkedHashMap<>();
    jobs.forEach(job -> logs.put(job, jobLog(job)));
    return logs;
  }

  /** Each worker's own directory, where it runs drivers and executors. */
  public List<Path> workerDirs() {
    try (Stream<Path> files = Files.list(stateDir())) {
      return files.filter(f -> f.getFileName().toString().startsWith("worker-") && Files.isDirectory(f)).sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Every process bin/cluster started (from its pid files) and everything they started (executors). */
  public Set<ProcessHandle> processes() {
    Set<ProcessHandle> processes = new HashSet<>();
    try (Stream<Path> files = Files.list(stateDir())) {
      for (Path pidFile : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
        ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(p -> {
          processes.add(p);
          p.descendants().forEach(processes::add);
        });
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return processes;
  }

  /** Names of the applications the Spark master shows RUNNING; empty when the master does not answer. */
  public Set<String> runningApps() {
    return runningAppIds().keySet();
  }

  /** The applications the Spark master shows RUNNING: name to id (the newest when a name runs twice). */
  public Map<String, String> runningAppIds() {
    Map<String, String> running = new HashMap<>();
    get("http://127.0.0.1:" + setting("CRYPTOLAKE_SPARK_MASTER_UI_PORT") + "/json/").ifPresent(body -> {
      try {
        JSON.readTree(body).path("activeapps").forEach(app -> {
          if ("RUNNING".equals(app.path("state").asText())) {
            // Ids are app-<yyyyMMddHHmmss>-<sequence>: the greater is the newer.
            running.merge(app.path("name").asText(), app.path("id").asText(), (a, b) -> a.compareTo(b) > 0 ? a : b);
          }
        });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    return running;
  }

  /** How many executors of application {@code name} each worker runs (its UI's JSON), worker by worker. */
  public List<Integer> executorsPerWorker(String name) {
    List<Integer> counts = new ArrayList<>();
    int firstPort = Integer.parseInt(setting("CRYPTOLAKE_SPARK_WORKER_UI_PORT"));
    for (int i = 0; i < workerDirs().size(); i++) {
      String body = get("http://127.0.0.1:" + (firstPort + i) + "/json/").orElse("{}");
      try {
        int n = 0;
        for (var executor : JSON.readTree(body).path("executors")) {
          n += name.equals(executor.path("appdesc").path("name").asText()) ? 1 : 0;
        }
        counts.add(n);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return counts;
  }

  /**
   * The product's metrics of a job, by name: at its own application's Prometheus endpoint, or, when that does
   * not answer, among the one-application deployment's (published there as {@code <job>_<name>}); empty when
   * neither answers.
   */
  public Map<String, Double> metrics(String job) {
    return metrics(List.of(job)).get(job);
  }

  /**
   * {@link #metrics(String)} of several jobs, the one-application deployment's endpoint read once for all of
   * them: the driver a benchmark measures renders every Spark metric once per poll, not once per job.
   */
  public Map<String, Map<String, Double>> metrics(List<String> jobs) {
    Map<String, Map<String, Double>> byJob = new LinkedHashMap<>();
    Map<String, Double> shared = null;
    for (String job : jobs) {
      Map<String, Double> own = pluginMetrics(job);
      if (own.isEmpty() && !job.equals(ONE_APPLICATION)) {
        shared = shared != null ? shared : pluginMetrics(ONE_APPLICATION);
        own = withoutPrefix(shared, job.replace('-', '_') + "_");
      }
      byJob.put(job, own);
    }
    return byJob;
  }

  private Map<String, Double> pluginMetrics(String app) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    get("http://127.0.0.1:" + setting(Project.uiPortVariable(app)) + "/metrics/prometheus/").ifPresent(body -> {
      Matcher m = PLUGIN_METRIC.matcher(body);
      while (m.find()) {
        metrics.put(m.group(1), Double.parseDouble(m.group(3)));
      }
    });
    return metrics;
  }

  private static Map<String, Double> withoutPrefix(Map<String, Double> metrics, String prefix) {
    Map<String, Double> selected = new LinkedHashMap<>();
    metrics.forEach((name, value) -> {
      if (name.startsWith(prefix)) {
        selected.put(name.substring(prefix.length()), value);
      }
    });
    return selected;
  }

  /** The heap a job's driver uses now (Spark's JVM source on its Prometheus endpoint); empty when it does not answer. */
  public Optional<Double> heapUsed(String job) {
    return get("http://127.0.0.1:" + setting(Project.uiPortVariable(job)) + "/metrics/prometheus/").flatMap(body -> {
      Matcher m = HEAP_USED.matcher(body);
      return m.find() ? Optional.of(Double.parseDouble(m.group(1))) : Optional.empty();
    });
  }

  /** Spark's REST API of a running job's driver (its UI port), e.g. "executors" of the first application. */
  public Optional<String> sparkApi(String job, String path) {
    String base = "http://127.0.0.1:" + setting(Project.uiPortVariable(job)) + "/api/v1/applications";
    return get(base).flatMap(apps -> {
      try {
        String id = JSON.readTree(apps).path(0).path("id").asText();
        return id.isEmpty() ? Optional.empty() : get(base + "/" + id + "/" + path);
      } catch (IOException e) {
        return Optional.empty();
      }
    });
  }

  /**
   * Waits until the jobs are caught up: every one answers and is {@link #idleAndUpToDate} (a long catch-up
   * batch of the bars moves no count while it runs, hence the check of running batches), and no job's input
   * count moves for {@link #quietPeriod}: longer than the longest trigger, so every query has looked at its
   * source since its source last changed (a query between triggers does not know it has data). Throws after
   * {@code timeout}.
   */
  public void awaitCaughtUp(List<String> jobs, Duration timeout) {
    Duration quiet = quietPeriod();
    Map<String, Double> previous = null;
    long quietSince = System.nanoTime();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the jobs did not catch up within " + timeout + "; see " + stateDir()
            + "/*.log");
      }
      pause(Duration.ofSeconds(5));
      Map<String, Double> inputs = new HashMap<>();
      boolean ready = true;
      for (var job : metrics(jobs).entrySet()) {
        ready &= idleAndUpToDate(job.getValue());
        inputs.put(job.getKey(), job.getValue().get("records_in"));
      }
      if (!ready || !inputs.equals(previous)) {
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince >= quiet.toNanos()) {
        return;
      }
      previous = inputs;
    }
  }

  /** The longest trigger the jobs run on (the jobs' and gold's bars', as submitted), plus a poll: at least 15 s. */
  private Duration quietPeriod() {
    Duration trigger = DurationConverter.parse(submittedWith("CRYPTOLAKE_TRIGGER_INTERVAL",
        StreamOptions.DEFAULT_TRIGGER_INTERVAL));
    Duration bars = DurationConverter.parse(submittedWith("CRYPTOLAKE_GOLD_BARS_EVERY",
        GoldOptions.DEFAULT_BARS_EVERY));
    Duration longest = trigger.compareTo(bars) > 0 ? trigger : bars;
    Duration quiet = longest.plusSeconds(5);
    return quiet.compareTo(Duration.ofSeconds(15)) > 0 ? quiet : Duration.ofSeconds(15);
  }

  /**
   * One job's metrics say it is caught up: it has finished a trigger since its driver started (read rows, ran
   * an empty batch, or was reported idle: a driver restarted after its job had read everything reads nothing,
   * and its count of rows read stays 0 for good), bronze has nothing left in Kafka, and no query has a batch of
   * data running or waiting. A job that has finished no trigger yet may be inside its first, long batch.
   */
  static boolean idleAndUpToDate(Map<String, Double> metrics) {
    boolean finishedATrigger = metrics.getOrDefault("records_in", 0.0) > 0
        || metrics.getOrDefault("empty_batches", 0.0) > 0 || metrics.getOrDefault("idle_triggers", 0.0) > 0;
    return finishedATrigger && metrics.getOrDefault("offsets_behind_latest", 0.0) == 0
        && metrics.getOrDefault("queries_with_data", 0.0) == 0;
  }

  public static void pause(Duration duration) {
    try {
      Thread.sleep(Math.max(0, duration.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Fails, naming the port and its setting, when any port of the local deployment is taken. */
  public void requirePortsFree() {
    for (var entry : settings.entrySet()) {
      if (entry.getKey().endsWith("_PORT") || entry.getKey().startsWith("CRYPTOLAKE_UI_PORT_")) {
        int port = Integer.parseInt(entry.getValue());
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          socket.setReuseAddress(true);
        } catch (IOException e) {
          throw new IllegalStateException("port " + port + " (" + entry.getKey() + ") is in use: a local cluster "
              + "runs on the ports of config/local.env; stop whatever holds it (make cluster-down)", e);
        }
      }
    }
  }

  /** Removes the directory of an earlier run, so a run starts from empty tables and topics. */
  public void clean() {
    DataDirs.wipe(dir);
  }

  private static Optional<String> get(String url) {
    try {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
