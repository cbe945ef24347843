package io.cryptolake.proof.soak;

import io.cryptolake.localstack.LocalServers;
import io.cryptolake.localstack.LocalServersConfig;
import io.cryptolake.producers.kafka.TradeTopicWriter;
import io.cryptolake.proof.LocalCluster;
import io.cryptolake.proof.Project;
import io.cryptolake.proof.chaos.SupervisedRestarts;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.SchemaRegistryClient;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Months in minutes: the five jobs on the local cluster while {@link SimulatedDays} sends one simulated day
 * after another, `maintain` runs every few days, and one exchange's silver job is stopped for a while. After
 * each day it records gold's state and every driver's heap; at the end it waits for catch-up, sends the
 * held-back trades once the state's expiry checks are due, runs `gaps` and `reconcile` as an operator would,
 * and reads the jobs' logs for restarts.
 */
public final class SoakRun {
  private static final Logger LOG = LoggerFactory.getLogger(SoakRun.class);
  private static final String JSON_SCHEMA = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
      + "\"type\":\"object\",\"properties\":{\"price\":{\"type\":\"string\"}}}";

  private static final Duration GAPS_EVERY = Duration.ofSeconds(15);

  private final SoakConfig config;
  private final LocalCluster cluster;
  private final List<String> jobs = Project.streamingJobs();

  public SoakRun(SoakConfig config) {
    this.config = config;
    this.cluster = new LocalCluster(config.dir(), true);
  }

  public SoakReport run() throws Exception {
    cluster.requirePortsFree();
    cluster.clean();
    LocalServersConfig serversConfig = cluster.serversConfig();
    try (LocalServers servers = LocalServers.start(serversConfig)) {
      try {
        return runOnCluster();
      } finally {
        cluster.run(Duration.ofMinutes(5), "bin/cluster", "down");
      }
    }
  }

  private SoakReport runOnCluster() throws Exception {
    cluster.up();
    // Gold checks gaps often, over every simulated day, so a gap is seen while it is open.
    String lookback = (config.days() + 2) + "d";
    jobs.forEach(job -> cluster.submit(job, job.equals("gold")
        ? new String[] {"--gaps-every", GAPS_EVERY.toSeconds() + "s", "--gaps-lookback", lookback,
            "--watermark", config.watermark().toSeconds() + "s"} : new String[0]));
    awaitRunning(jobs);
    Map<Exchange, String> topics = new EnumMap<>(Exchange.class);
    Map<Exchange, Integer> schemaIds = new EnumMap<>(Exchange.class);
    Map<Exchange, Integer> jsonIds = new EnumMap<>(Exchange.class);
    SchemaRegistryClient registry = new SchemaRegistryClient(cluster.registryUrl());
    for (Exchange exchange : Exchange.values()) {
      topics.put(exchange, exchange.defaultTopic());
      TradeTopicWriter.ensureTopic(cluster.kafkaBootstrap(), exchange.defaultTopic(), 3);
      schemaIds.put(exchange, registry.register(exchange.defaultTopic() + "-value", exchange.rawSchema()));
      jsonIds.put(exchange, registry.register(exchange.defaultTopic() + "-json-value", "JSON", JSON_SCHEMA));
    }
    Instant firstDay = LocalDate.now(ZoneOffset.UTC).minusDays(config.days()).atStartOfDay(ZoneOffset.UTC)
        .toInstant();
    SimulatedDays simulated = new SimulatedDays(firstDay, config.tradesPerSymbol(), config.outageDay(), topics,
        schemaIds, jsonIds, config.seed());
    List<SoakReport.Day> days = new ArrayList<>();
    List<CompletableFuture<Project.Result>> maintenance = new ArrayList<>();
    Instant start = Instant.now();
    long sent = 0;
    try (TradeTopicWriter writer = new TradeTopicWriter(cluster.kafkaBootstrap())) {
      for (int day = 0; day < config.days(); day++) {
        Instant dayStart = Instant.now();
        if (day == config.lagFrom()) {
          cluster.runOrFail(Duration.ofMinutes(2), "bin/cluster", "stop", "silver-kraken");
        }
        if (day == config.lagTo()) {
          cluster.submit("silver-kraken");
        }
        var records = simulated.day(day);
        records.forEach(r -> writer.send(r, null));
        writer.flush();
        sent += records.size();
        if (day > 0 && day % config.maintainEvery() == 0 && maintenance.stream().allMatch(CompletableFuture::isDone)) {
          maintenance.add(CompletableFuture.supplyAsync(() -> cluster.run(Duration.ofMinutes(10), "bin/cluster",
              "batch", "maintain")));
        }
        LocalCluster.pause(Duration.between(Instant.now(), dayStart.plus(config.dayPause())));
        days.add(sample(day, records.size()));
        LOG.info("simulated day {} of {}: {} records; {}", day + 1, config.days(), records.size(), days.get(days.size() - 1));
      }
      if (!cluster.runningApps().contains("silver-kraken")) {
        cluster.submit("silver-kraken");
      }
      // The held-back blocks' gaps are recorded first (gold checks every GAPS_EVERY), then the blocks arrive,
      // late, and must close them. Their batch is the last with data: by then every key's expiry check is due,
      // so the state it leaves holds only the keys within the watermark, the figure the state check compares.
      cluster.awaitCaughtUp(jobs, Duration.ofMinutes(20));
      LocalCluster.pause(max(config.expiryChecksDue(), GAPS_EVERY.multipliedBy(2)));
      var held = simulated.heldBack();
      held.forEach(r -> writer.send(r, null));
      writer.flush();
      sent += held.size();
    }
    List<Project.Result> maintained = maintenance.stream().map(CompletableFuture::join).toList();
    cluster.awaitCaughtUp(jobs, Duration.ofMinutes(20));
    Duration sendTime = Duration.between(start, Instant.now());
    SoakReport.Day settled = sample(config.days(), 0);
    var gaps = cluster.run(Duration.ofMinutes(10), "bin/cluster", "batch", "gaps");
    var reconcile = cluster.run(Duration.ofMinutes(15), "bin/cluster", "batch", "reconcile");
    return new SoakReport(config, sent, sendTime, days, settled, maintained, gaps, reconcile,
        cluster.runningApps(), SupervisedRestarts.read(cluster.jobLogs(jobs)));
  }

  private SoakReport.Day sample(int day, long records) {
    Map<String, Double> gold = cluster.metrics("gold");
    Map<String, Double> heap = new LinkedHashMap<>();
    for (String job : jobs) {
      cluster.heapUsed(job).ifPresent(bytes -> heap.put(job, bytes));
    }
    return new SoakReport.Day(day + 1, records, gold.getOrDefault("state_rows", -1.0).longValue(),
        gold.getOrDefault("state_memory_bytes", -1.0).longValue(), heap);
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private void awaitRunning(List<String> names) {
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!cluster.runningApps().containsAll(names)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not RUNNING within 5 minutes: " + names + "; see " + cluster.stateDir());
      }
      LocalCluster.pause(Duration.ofSeconds(1));
    }
  }
}
