package io.cryptolake.proof.bench;

import io.cryptolake.cli.Check;
import io.cryptolake.cli.Cli;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.localstack.LocalServers;
import io.cryptolake.localstack.LocalServersConfig;
import io.cryptolake.producers.synthetic.FaultKind;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.producers.synthetic.SyntheticProducer;
import io.cryptolake.proof.LocalCluster;
import io.cryptolake.proof.Project;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import io.cryptolake.streaming.StreamConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code make bench}: the ingest benchmark in this JVM, then the whole pipeline on a local cluster. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Loads Binance trades into a topic and measures Kafka's own consumer, the bronze stream, silver",
        "and a naive from_avro silver on them (local Spark in this JVM); then runs the five jobs on a local cluster",
        "with the synthetic producer at each rate for a window, as five applications and as one, and reconciles",
        "each against what was sent. Writes a Markdown report to --dir."})
public final class BenchCli implements Callable<Integer> {
  private static final Pattern VERDICT = Pattern.compile("[a-z ]+: (PASS|FAIL)\\b.*");
  private static final Pattern LOG_LINE = Pattern.compile("^\\S+ \\S+ (TRACE|DEBUG|INFO|WARN|ERROR) ");

  @Option(names = "--trades", defaultValue = "1000000", description = "Trades for the ingest benchmark (${DEFAULT-VALUE}).")
  long trades;

  @Option(names = "--rates", split = ",", defaultValue = "2000,5000,10000,20000",
      description = "Producer rates for the whole pipeline, trades/s, in order; the first one a deployment does not "
          + "keep up with is its last (${DEFAULT-VALUE}).")
  List<Double> rates;

  @Option(names = "--window", defaultValue = "600", description = "Seconds each rate is held (${DEFAULT-VALUE}).")
  long windowSeconds;

  @Option(names = "--faults", defaultValue = "0", description = "Share of the ingest trades that are faulty, "
      + "spread over every kind, as the DLQ would see in production (${DEFAULT-VALUE}).")
  double faults;

  @Option(names = "--stages", split = ",", defaultValue = "kafka,bronze,connect,silver,naive,pipeline",
      description = "What to measure (${DEFAULT-VALUE}; also gold); silver and naive read bronze's table, so they "
          + "imply bronze; gold reads silver's, so it implies silver.")
  Set<Stage> stages;

  /** The parts of the benchmark, in the order they run. */
  enum Stage { KAFKA, BRONZE, CONNECT, SILVER, NAIVE, GOLD, PIPELINE }

  @Option(names = "--deployments", split = ",", defaultValue = "five,one",
      description = "How the pipeline stage runs the five jobs, each from empty servers in turn: five (five "
          + "applications, spark-submit/*.sh) or one (one application, spark-submit/pipeline.sh) (${DEFAULT-VALUE}).")
  List<Deployment> deployments;

  /** The two ways to run the five streaming jobs. */
  enum Deployment {
    FIVE, ONE;

    boolean oneApplication() {
      return this == ONE;
    }
  }

  @Option(names = "--repeat", defaultValue = "1", description = "Runs of each deployment, alternated (five, one, "
      + "five, one, ...), each from empty servers; the report gives every run and the median of the runs, since runs "
      + "of one build spread widely on a small machine (${DEFAULT-VALUE}).")
  int repeat;

  @Option(names = "--dir", defaultValue = "data/bench", description = "Servers, tables and report (${DEFAULT-VALUE}); emptied first.")
  Path dir;

  @Override
  public Integer call() throws Exception {
    Check.positive("--repeat", repeat);
    Check.positive("--window", windowSeconds);
    LocalCluster cluster = new LocalCluster(dir.toAbsolutePath(), true);
    cluster.requirePortsFree();
    BenchReport report = new BenchReport(trades, Duration.ofSeconds(windowSeconds));
    LocalServersConfig servers = cluster.serversConfig();
    cluster.clean();
    if (stages.stream().anyMatch(stage -> stage != Stage.PIPELINE)) {
      try (LocalServers running = LocalServers.start(servers)) {
        ingest(servers, report);
      }
    }
    if (stages.contains(Stage.PIPELINE)) {
      // Alternated, so a slower stretch of the machine's day does not fall on one deployment's runs only.
      for (int run = 1; run <= repeat; run++) {
        for (Deployment deployment : deployments) {
          // Each run from empty servers, topics and tables: the same work, nothing left from the one before.
          cluster.clean();
          try (LocalServers running = LocalServers.start(servers)) {
            report.add(pipeline(cluster, running, deployment, repeat > 1 ? run : 0));
          }
        }
      }
    }
    Project.writeReport(dir, report.markdown());
    return 0;
  }

  private void ingest(LocalServersConfig servers, BenchReport report) throws Exception {
    boolean gold = stages.contains(Stage.GOLD);
    // Gold reads silver's table, silver bronze's: each stage brings the ones it reads.
    boolean silver = stages.contains(Stage.SILVER) || gold;
    boolean naive = stages.contains(Stage.NAIVE);
    boolean lakeStages = stages.contains(Stage.BRONZE) || stages.contains(Stage.CONNECT) || silver || naive;
    if (!lakeStages && !stages.contains(Stage.KAFKA)) {
      return;
    }
    String topic = "bench.binance";
    Instant start = Instant.now();
    new SyntheticProducer(SyntheticConfig.defaults(servers.kafkaBootstrap(), servers.registryUrl())
        .withExchanges(List.of(Exchange.BINANCE)).withTopics(Map.of(Exchange.BINANCE, topic)).withCount(trades)
        .withFaults(benchFaults()).withSeed(1)).run();
    report.producer(trades, Duration.between(start, Instant.now()));
    if (stages.contains(Stage.KAFKA)) {
      report.add("kafka", IngestBench.kafkaConsumer(servers.kafkaBootstrap(), topic, trades));
    }
    if (!lakeStages) {
      return;
    }

    String root = "s3a://" + servers.bucket();
    LakeConfig lake = LakeConfig.s3(dir.resolve("ingest"), servers.s3Endpoint(), root + "/bench-warehouse");
    StreamConfig stream = new StreamConfig(root + "/bench-checkpoints", Duration.ofSeconds(2));
    SparkSession spark = LakeSession.forJob("bench-ingest", lake);
    LakeSession.useS3Credentials(spark, servers.s3AccessKey(), servers.s3SecretKey());
    try {
      if (stages.contains(Stage.BRONZE) || silver || naive) {
        report.add("bronze", IngestBench.bronze(spark, lake, servers.kafkaBootstrap(), topic, stream));
      }
      if (stages.contains(Stage.CONNECT)) {
        report.add("connect", ConnectBench.run(dir.resolve("connect"), servers, topic, trades,
            root + "/connect-warehouse", spark));
      }
      if (silver) {
        report.add("silver", IngestBench.silver(spark, lake, servers.registryUrl(), stream));
      }
      if (naive) {
        report.add("naive", IngestBench.naiveSilver(spark, lake, stream));
      }
      if (gold) {
        report.add("gold", IngestBench.gold(spark, lake, stream));
      }
    } finally {
      spark.stop();
    }
  }

  /**
   * Every kind of fault but unregistered schema ids: the generator gives each such record one of 1,000 ids, each
   * a registry lookup, which would measure the registry's 404s rather than silver.
   */
  private Map<FaultKind, Double> benchFaults() {
    Map<FaultKind, Double> spread = new EnumMap<>(FaultKind.class);
    List<FaultKind> kinds = Arrays.stream(FaultKind.values()).filter(k -> k != FaultKind.UNREGISTERED_SCHEMA_ID)
        .toList();
    kinds.forEach(kind -> spread.put(kind, faults / kinds.size()));
    return spread;
  }

  private BenchReport.Deployment pipeline(LocalCluster cluster, LocalServers servers, Deployment deployment,
      int run) {
    cluster.up();
    try {
      PipelineBench bench = new PipelineBench(cluster, Project.streamingJobs(), deployment.oneApplication());
      bench.sendWaiting(5_000);
      Map<String, Duration> firstBatch = bench.coldStart();
      cluster.awaitCaughtUp(Project.streamingJobs(), Duration.ofMinutes(10));
      LakeConfig lake = cluster.lakeConfig();
      List<PipelineBench.RateResult> results = new ArrayList<>();
      SparkSession spark = LakeSession.forJob("bench-latency", lake);
      LakeSession.useS3Credentials(spark, servers.config().s3AccessKey(), servers.config().s3SecretKey());
      try {
        for (double rate : rates) {
          PipelineBench.RateResult result = bench.hold(rate, Duration.ofSeconds(windowSeconds), spark, lake, servers);
          results.add(result);
          // The first rate not kept up ends the search: higher ones only pile up backlog.
          if (!result.sustained()) {
            break;
          }
        }
      } finally {
        spark.stop();
      }
      return new BenchReport.Deployment(deployment.oneApplication(), run, firstBatch, results, bench.peakMemory(),
          reconcile(cluster, bench.sentSoFar()));
    } finally {
      cluster.run(Duration.ofMinutes(5), "bin/cluster", "down");
    }
  }

  /**
   * The benchmark must not change what the product guarantees: reconcile with every trade this deployment sent
   * (its producers' manifests as one), as an operator runs it; its exit code and each check's verdict, and
   * when it fails, its report.
   */
  private String reconcile(LocalCluster cluster, Manifest sent) {
    Path manifest = dir.toAbsolutePath().resolve("manifest-sent.json");
    sent.write(manifest);
    Project.Result result = cluster.run(Duration.ofMinutes(15), "bin/cluster", "batch", "reconcile", "--manifest",
        manifest.toString());
    // Each check's verdict line, "  <check>: PASS, ..." or "  <check>: FAIL, ...", in short.
    List<String> checks = result.output().lines().map(String::trim).filter(VERDICT.asMatchPredicate())
        .map(line -> line.substring(0, line.indexOf(':')) + " " + (line.contains(": PASS") ? "PASS" : "FAIL"))
        .toList();
    String verdict = "exit " + result.exit() + (checks.isEmpty() ? ", no verdict printed" : ": "
        + String.join(", ", checks));
    // A failed reconcile's own report (its log lines left out), so the benchmark's report says what failed.
    return result.exit() == 0 ? verdict : verdict + "\n\n```\n" + String.join("\n", result.output().lines()
        .filter(line -> !LOG_LINE.matcher(line).find()).toList()) + "\n```";
  }

  public static void main(String[] args) {
    Cli.exit(new BenchCli(), args);
  }
}
