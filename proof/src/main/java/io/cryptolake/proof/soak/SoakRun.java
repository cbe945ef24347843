package io.cryptolake.proof.soak;

import io.cryptolake.producers.kafka.TradeTopicWriter;
import io.cryptolake.proof.LocalCluster;
import io.cryptolake.proof.Project;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.SchemaRegistryClient;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Months in minutes: the five jobs ({@link SoakJobs}: on the local cluster, or in one Spark session)
 * while {@link SimulatedDays} sends one simulated day after another, `maintain` runs every few days, and one
 * exchange's silver job is stopped for a while. After each day it records gold's state and the heap; at the end
 * it waits for catch-up, sends the held-back trades once the state's expiry checks are due, runs `gaps` and
 * `reconcile` as an operator would, and reads the jobs' logs for restarts.
 */
public final class SoakRun {
  private static final Logger LOG = LoggerFactory.getLogger(SoakRun.class);
  private static final String JSON_SCHEMA = "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
      + "\"type\":\"object\",\"properties\":{\"price\":{\"type\":\"string\"}}}";

  private static final Duration GAPS_EVERY = Duration.ofSeconds(10);

  private final SoakConfig config;
  private final SoakJobs jobs;

  private SoakRun(SoakConfig config, SoakJobs jobs) {
    this.config = config;
    this.jobs = jobs;
  }

  /** `make soak`: the five jobs as applications on the local Spark cluster. */
  public static SoakRun onCluster(SoakConfig config) {
    return new SoakRun(config, new ClusterSoakJobs(config.dir()));
  }

  /** `make test-soak`: the five jobs' queries in one local Spark session of this JVM. */
  public static SoakRun inSession(SoakConfig config) {
    return new SoakRun(config, new SessionSoakJobs(config.dir()));
  }

  public SoakReport run() throws Exception {
    try (jobs) {
      jobs.startServers();
      return runWithJobs();
    }
  }

  private SoakReport runWithJobs() throws Exception {
    Map<Exchange, String> topics = new EnumMap<>(Exchange.class);
    Map<Exchange, Integer> schemaIds = new EnumMap<>(Exchange.class);
    Map<Exchange, Integer> jsonIds = new EnumMap<>(Exchange.class);
    SchemaRegistryClient registry = new SchemaRegistryClient(jobs.registryUrl());
    for (Exchange exchange : Exchange.values()) {
      topics.put(exchange, exchange.defaultTopic());
      TradeTopicWriter.ensureTopic(jobs.kafkaBootstrap(), exchange.defaultTopic(), 3);
      schemaIds.put(exchange, registry.register(exchange.defaultTopic() + "-value", exchange.rawSchema()));
      jsonIds.put(exchange, registry.register(exchange.defaultTopic() + "-json-value", "JSON", JSON_SCHEMA));
    }
    // Gold checks gaps often, over every simulated day, so a gap is seen while it is open.
    jobs.startJobs(config.watermark(), GAPS_EVERY, Duration.ofDays(config.days() + 2));
    Instant firstDay = LocalDate.now(ZoneOffset.UTC).minusDays(config.days()).atStartOfDay(ZoneOffset.UTC)
        .toInstant();
    SimulatedDays simulated = new SimulatedDays(firstDay, config.tradesPerSymbol(), config.outageDay(), topics,
        schemaIds, jsonIds, config.seed());
    List<SoakReport.Day> days = new ArrayList<>();
    List<CompletableFuture<Project.Result>> maintenance = new ArrayList<>();
    Instant start = Instant.now();
    long sent = 0;
    try (TradeTopicWriter writer = new TradeTopicWriter(jobs.kafkaBootstrap())) {
      for (int day = 0; day < config.days(); day++) {
        Instant dayStart = Instant.now();
        if (day == config.lagFrom()) {
          jobs.stop("silver-kraken");
        }
        if (day == config.lagTo()) {
          jobs.resume("silver-kraken");
        }
        var records = simulated.day(day);
        records.forEach(r -> writer.send(r, null));
        writer.flush();
        sent += records.size();
        if (day > 0 && day % config.maintainEvery() == 0 && maintenance.stream().allMatch(CompletableFuture::isDone)) {
          maintenance.add(CompletableFuture.supplyAsync(() -> jobs.command("maintain")));
        }
        LocalCluster.pause(Duration.between(Instant.now(), dayStart.plus(config.dayPause())));
        days.add(sample(day, records.size()));
        LOG.info("simulated day {} of {}: {} records; {}", day + 1, config.days(), records.size(), days.get(days.size() - 1));
      }
      if (!jobs.running().contains("silver-kraken")) {
        jobs.resume("silver-kraken");
      }
      // The held-back blocks' gaps are recorded first (gold checks every GAPS_EVERY), then the blocks arrive,
      // late, and must close them. Their batch is the last with data: by then every key's expiry check is due,
      // so the state it leaves holds only the keys within the watermark, the figure the state check compares.
      jobs.awaitCaughtUp(Duration.ofMinutes(20));
      LOG.info("caught up with the {} days; the held-back blocks go out in {} s", config.days(),
          max(config.expiryChecksDue(), GAPS_EVERY.multipliedBy(2)).toSeconds());
      LocalCluster.pause(max(config.expiryChecksDue(), GAPS_EVERY.multipliedBy(2)));
      var held = simulated.heldBack();
      held.forEach(r -> writer.send(r, null));
      writer.flush();
      sent += held.size();
    }
    List<Project.Result> maintained = maintenance.stream().map(CompletableFuture::join).toList();
    LOG.info("held-back blocks sent; maintain done ({} runs); waiting for the jobs to catch up", maintained.size());
    jobs.awaitCaughtUp(Duration.ofMinutes(20));
    Duration sendTime = Duration.between(start, Instant.now());
    SoakReport.Day settled = sample(config.days(), 0);
    // Both only read what the checks compare (gaps records what it finds in its own tables): side by side.
    var gaps = CompletableFuture.supplyAsync(() -> jobs.command("gaps"), task -> new Thread(task, "soak-gaps").start());
    var reconcile = jobs.command("reconcile");
    return new SoakReport(config, sent, sendTime, days, settled, maintained, gaps.join(), reconcile, jobs.running(),
        jobs.restarts());
  }

  private SoakReport.Day sample(int day, long records) {
    Map<String, Double> gold = jobs.goldState();
    return new SoakReport.Day(day + 1, records, gold.getOrDefault("state_rows", -1.0).longValue(),
        gold.getOrDefault("state_memory_bytes", -1.0).longValue(), jobs.heapUsed());
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
