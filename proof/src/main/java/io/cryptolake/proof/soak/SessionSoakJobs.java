package io.cryptolake.proof.soak;

import io.cryptolake.bronze.BronzeConfig;
import io.cryptolake.bronze.BronzeStream;
import io.cryptolake.cli.Cli;
import io.cryptolake.gaps.GapMonitor;
import io.cryptolake.gold.GoldConfig;
import io.cryptolake.gold.GoldStream;
import io.cryptolake.gold.OhlcvStream;
import io.cryptolake.jobs.GapsJob;
import io.cryptolake.jobs.MaintainJob;
import io.cryptolake.jobs.ReconcileJob;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.localstack.DataDirs;
import io.cryptolake.localstack.LocalServers;
import io.cryptolake.localstack.LocalServersConfig;
import io.cryptolake.proof.Project;
import io.cryptolake.proof.chaos.SupervisedRestarts;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.silver.SilverConfig;
import io.cryptolake.silver.SilverStream;
import io.cryptolake.streaming.StreamConfig;
import io.cryptolake.streaming.StreamingQueries;
import io.cryptolake.validation.ValidationConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * The five jobs' queries in one local Spark session of this JVM (as `make run` runs them), beside local servers
 * on free ports, and the operator's commands on the same session: `make test-soak`, which cannot afford
 * ten Spark JVMs starting on two cores. What it cannot show, `make soak` on the cluster does: each job's own
 * heap, and restarts by the jobs' supervisors (here a query that fails stops, and its job is not running).
 */
final class SessionSoakJobs implements SoakJobs {
  private static final Duration TRIGGER = Duration.ofSeconds(2);
  private static final String GOLD = "gold";

  private final Path dir;
  private final Map<String, List<StreamingQuery>> queries = new LinkedHashMap<>();
  private final Map<String, Supplier<List<StreamingQuery>>> starts = new LinkedHashMap<>();
  private LocalServers servers;
  private SparkSession spark;
  private LakeConfig lake;
  private String checkpointRoot;
  private GapMonitor gapMonitor;

  SessionSoakJobs(Path dir) {
    this.dir = dir.toAbsolutePath();
  }

  @Override
  public void startServers() {
    DataDirs.wipe(dir);
    servers = LocalServers.start(LocalServersConfig.defaults().withDataDir(dir.resolve("servers")).withFreePorts());
  }

  @Override
  public void startJobs(Duration watermark, Duration gapsEvery, Duration gapsLookback) {
    LocalServersConfig config = servers.config();
    String root = "s3a://" + config.bucket();
    lake = LakeConfig.s3(dir, config.s3Endpoint(), root + "/warehouse");
    checkpointRoot = root + "/checkpoints";
    spark = LakeSession.forJob("cryptolake-soak", lake);
    LakeSession.useS3Credentials(spark, config.s3AccessKey(), config.s3SecretKey());
    StreamConfig stream = new StreamConfig(checkpointRoot, TRIGGER);
    for (Exchange exchange : Exchange.values()) {
      starts.put("bronze-" + exchange.id(), () -> List.of(BronzeStream.start(spark, lake, new BronzeConfig(exchange,
          config.kafkaBootstrap(), exchange.defaultTopic(), "earliest", 200_000, true, stream))));
    }
    for (Exchange exchange : Exchange.values()) {
      starts.put("silver-" + exchange.id(), () -> List.of(SilverStream.start(spark, lake, new SilverConfig(exchange,
          config.registryUrl(), Duration.ofSeconds(30), ValidationConfig.defaults(), 500, stream))));
    }
    GoldConfig gold = new GoldConfig(watermark, 500, stream);
    starts.put(GOLD, () -> List.of(GoldStream.start(spark, lake, gold), OhlcvStream.start(spark, lake, gold)));
    starts.keySet().forEach(this::resume);
    gapMonitor = new GapMonitor(spark, lake, gapsEvery, gapsLookback);
  }

  @Override
  public String kafkaBootstrap() {
    return servers.config().kafkaBootstrap();
  }

  @Override
  public String registryUrl() {
    return servers.config().registryUrl();
  }

  @Override
  public void stop(String job) {
    for (StreamingQuery query : queries.getOrDefault(job, List.of())) {
      try {
        query.stop();
      } catch (TimeoutException e) {
        throw new IllegalStateException(job + ": a query did not stop", e);
      }
    }
  }

  @Override
  public void resume(String job) {
    queries.put(job, starts.get(job).get());
  }

  @Override
  public Set<String> running() {
    Set<String> running = new TreeSet<>();
    queries.forEach((job, list) -> {
      if (list.stream().allMatch(StreamingQuery::isActive)) {
        running.add(job);
      }
    });
    return running;
  }

  @Override
  public Map<String, Double> goldState() {
    StreamingQueryProgress last = queries.get(GOLD).get(0).lastProgress();
    if (last == null) {
      return Map.of();
    }
    double rows = 0;
    double bytes = 0;
    for (var operator : last.stateOperators()) {
      rows += operator.numRowsTotal();
      bytes += operator.memoryUsedBytes();
    }
    return Map.of("state_rows", rows, "state_memory_bytes", bytes);
  }

  @Override
  public Map<String, Double> heapUsed() {
    Runtime runtime = Runtime.getRuntime();
    return Map.of("session", (double) (runtime.totalMemory() - runtime.freeMemory()));
  }

  /** Upstream first: once bronze has every Kafka record, silver catches up with bronze, and so on. */
  @Override
  public void awaitCaughtUp(Duration timeout) {
    for (List<StreamingQuery> list : queries.values()) {
      for (StreamingQuery query : list) {
        if (!query.isActive()) {
          continue;
        }
        try {
          StreamingQueries.awaitDrained(query, timeout);
        } catch (TimeoutException e) {
          throw new IllegalStateException(query.name() + " did not catch up within " + timeout, e);
        }
      }
    }
  }

  @Override
  public Project.Result command(String name) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit;
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      try {
        exit = switch (name) {
          case "maintain" -> parse(new MaintainJob(), "--checkpoint-root", checkpointRoot).run(spark, lake, out);
          case "gaps" -> parse(new GapsJob()).run(spark, lake, out);
          case "reconcile" -> parse(new ReconcileJob(), "--checkpoint-root", checkpointRoot,
              "--bootstrap-servers", kafkaBootstrap()).run(spark, lake, out);
          default -> throw new IllegalArgumentException("no command " + name);
        };
      } catch (RuntimeException e) {
        e.printStackTrace(out);
        exit = 1;
      }
    }
    return new Project.Result(exit, bytes.toString(StandardCharsets.UTF_8));
  }

  private static <T> T parse(T command, String... args) {
    Cli.commandLine(command).parseArgs(args);
    return command;
  }

  @Override
  public Optional<List<SupervisedRestarts.Restart>> restarts() {
    return Optional.empty();
  }

  @Override
  public void close() {
    if (gapMonitor != null) {
      gapMonitor.close();
    }
    queries.keySet().forEach(this::stop);
    if (spark != null) {
      spark.stop();
    }
    if (servers != null) {
      servers.close();
    }
  }
}
