package io.cryptolake.proof.bench;

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
import io.cryptolake.streaming.StreamConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code make bench}: the ingest benchmark in this JVM, then the whole pipeline on a local cluster. */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Loads Binance trades into a topic and measures Kafka's own consumer, the bronze stream, silver",
        "and a naive from_avro silver on them (local Spark in this JVM); then runs the five jobs on a local cluster",
        "with the synthetic producer at each rate for a window. Writes a Markdown report to --dir."})
public final class BenchCli implements Callable<Integer> {
  @Option(names = "--trades", defaultValue = "1000000", description = "Trades for the ingest benchmark (${DEFAULT-VALUE}).")
  long trades;

  @Option(names = "--rates", split = ",", defaultValue = "5000,10000,20000",
      description = "Producer rates for the whole pipeline, trades/s (${DEFAULT-VALUE}).")
  List<Double> rates;

  @Option(names = "--window", defaultValue = "600", description = "Seconds each rate is held (${DEFAULT-VALUE}).")
  long windowSeconds;

  @Option(names = "--latency-rate", defaultValue = "5000", description = "The rate whose latency is reported (${DEFAULT-VALUE}).")
  double latencyRate;

  @Option(names = "--faults", defaultValue = "0", description = "Share of the ingest trades that are faulty, "
      + "spread over every kind, as the DLQ would see in production (${DEFAULT-VALUE}).")
  double faults;

  @Option(names = "--stages", split = ",", defaultValue = "kafka,bronze,connect,silver,naive,pipeline",
      description = "What to measure (${DEFAULT-VALUE}); silver and naive read bronze's table, so they imply bronze.")
  Set<Stage> stages;

  /** The parts of the benchmark, in the order they run. */
  enum Stage { KAFKA, BRONZE, CONNECT, SILVER, NAIVE, PIPELINE }

  @Option(names = "--one-application", description = "The pipeline stage runs the five jobs as one application "
      + "(spark-submit/pipeline.sh) instead of five.")
  boolean oneApplication;

  @Option(names = "--dir", defaultValue = "data/bench", description = "Servers, tables and report (${DEFAULT-VALUE}); emptied first.")
  Path dir;

  @Override
  public Integer call() throws Exception {
    LocalCluster cluster = new LocalCluster(dir.toAbsolutePath(), true);
    cluster.requirePortsFree();
    cluster.clean();
    BenchReport report = new BenchReport(trades, Duration.ofSeconds(windowSeconds));
    LocalServersConfig servers = cluster.serversConfig();
    try (LocalServers running = LocalServers.start(servers)) {
      ingest(servers, report);
      if (stages.contains(Stage.PIPELINE)) {
        pipeline(cluster, servers, report);
      }
    }
    Project.writeReport(dir, report.markdown());
    return 0;
  }

  private void ingest(LocalServersConfig servers, BenchReport report) throws Exception {
    boolean silver = stages.contains(Stage.SILVER);
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

  private void pipeline(LocalCluster cluster, LocalServersConfig servers, BenchReport report) {
    cluster.up();
    try {
      // Some trades waiting, so every job's first batch has work to do.
      new SyntheticProducer(SyntheticConfig.defaults(servers.kafkaBootstrap(), servers.registryUrl())
          .withCount(5_000).withSeed(2)).run();
      PipelineBench bench = new PipelineBench(cluster, Project.streamingJobs(), oneApplication);
      if (oneApplication) {
        report.oneApplication();
      }
      report.firstBatch(bench.coldStart());
      cluster.awaitCaughtUp(Project.streamingJobs(), Duration.ofMinutes(10));
      LakeConfig lake = cluster.lakeConfig();
      SparkSession spark = LakeSession.forJob("bench-latency", lake);
      LakeSession.useS3Credentials(spark, servers.s3AccessKey(), servers.s3SecretKey());
      try {
        for (double rate : rates) {
          PipelineBench.RateResult result = bench.hold(rate, Duration.ofSeconds(windowSeconds), spark, lake,
              rate == latencyRate);
          report.add(result);
          // Past the latency rate, the first rate not kept up ends the search: higher ones only pile up backlog.
          if (!result.sustained() && rate >= latencyRate) {
            break;
          }
        }
      } finally {
        spark.stop();
      }
      report.memory(bench.peakMemory());
    } finally {
      cluster.run(Duration.ofMinutes(5), "bin/cluster", "down");
    }
  }

  public static void main(String[] args) {
    Cli.exit(new BenchCli(), args);
  }
}
