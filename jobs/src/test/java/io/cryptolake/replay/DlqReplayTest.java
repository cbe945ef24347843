package io.cryptolake.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.gold.GoldConfig;
import io.cryptolake.gold.GoldStream;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.Tables;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.reconcile.Reconciliation;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import io.cryptolake.silver.SilverStream;
import io.cryptolake.streaming.StreamingQueries;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.Produced;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import io.cryptolake.testing.TestLake;
import io.cryptolake.validation.ValidationConfig;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

class DlqReplayTest {
  private static final ValidationConfig STRICT = new ValidationConfig(Duration.ofSeconds(5), Duration.ofHours(1));

  @Test
  void aRelaxedRuleReplaysExactlyTheRecordsItRejectedIntoSilverAndGoldOnce() throws Exception {
    Lake lake = TestLake.lake("replay_relaxed", Storage.LOCAL);
    String topic = "replay_relaxed.binance";
    Manifest manifest = Produced.send(Produced.config(Map.of(Exchange.BINANCE, topic))
        .withExchanges(List.of(Exchange.BINANCE)).withCount(1_500).withSpreadOver(Duration.ofHours(2))
        .withFaults(SyntheticConfig.spreadFaults(0.1)).withSeed(8));
    long injectedTooOld = manifest.exchanges().get("binance").faults().getOrDefault("OLD_TIMESTAMP", 0L);
    Pipeline.bronzeCaughtUp(lake, Exchange.BINANCE, topic, 100_000);
    runSilver(lake, STRICT);
    runGold(lake);

    long tooOld = dlqRows(lake, "error_reason = 'timestamp_too_old' AND resolved_at IS NULL");
    long rejectedByTheStrictRule = tooOld - injectedTooOld;
    assertTrue(rejectedByTheStrictRule > 300, "about half of two hours of trades is older than one hour");
    long silverBefore = Pipeline.count(lake, Tables.silverName(Exchange.BINANCE));

    ReplayOptions relaxed = options(false, List.of("timestamp_too_old"), null, null, null);
    long[] before = snapshots(lake);
    ReplayResult dry = DlqReplay.run(TestLake.spark(), lake.config(), dryRun(relaxed));
    assertEquals(tooOld, dry.selected());
    assertEquals(rejectedByTheStrictRule, dry.resolved());
    assertTrue(java.util.Arrays.equals(before, snapshots(lake)), "a dry run writes nothing");

    ReplayResult replay = DlqReplay.run(TestLake.spark(), lake.config(), relaxed);
    assertEquals(tooOld, replay.selected());
    assertEquals(Map.of("timestamp_too_old", rejectedByTheStrictRule), replay.resolvedByReason());
    assertEquals(rejectedByTheStrictRule, replay.appendedToSilver());
    assertEquals(Map.of("timestamp_too_old", injectedTooOld), replay.stillFailingByNewReason());
    assertEquals(silverBefore + rejectedByTheStrictRule, Pipeline.count(lake, Tables.silverName(Exchange.BINANCE)));
    assertEquals(rejectedByTheStrictRule, dlqRows(lake, "resolved_at IS NOT NULL AND replay_count = 1"));

    runGold(lake);
    long gold = Pipeline.count(lake, Tables.GOLD);
    Reconciliation.Result reconcile = Reconciliation.run(TestLake.spark(), lake.config(), List.of(Exchange.BINANCE),
        null, null);
    assertTrue(reconcile.ok(), reconcile.toString());
    assertEquals(reconcile.gold().silverKeys(), gold, "the replayed trades reached gold, once each");

    ReplayResult again = DlqReplay.run(TestLake.spark(), lake.config(), relaxed);
    assertEquals(0, again.resolved());
    assertEquals(0, again.appendedToSilver());
    assertEquals(silverBefore + rejectedByTheStrictRule, Pipeline.count(lake, Tables.silverName(Exchange.BINANCE)));
    runGold(lake);
    assertEquals(gold, Pipeline.count(lake, Tables.GOLD), "a second replay changes nothing downstream");
    assertTrue(Reconciliation.run(TestLake.spark(), lake.config(), List.of(Exchange.BINANCE), null, null).ok());
  }

  /** The replay updates the DLQ while a silver job keeps appending to it: no commit lost, reconcile passes. */
  @Test
  void aReplayWhileSilverKeepsWritingToTheDlqLosesNothing() throws Exception {
    Lake lake = TestLake.lake("replay_concurrent", Storage.LOCAL);
    String topic = "replay_concurrent.binance";
    var produce = Produced.config(Map.of(Exchange.BINANCE, topic)).withExchanges(List.of(Exchange.BINANCE))
        .withFaults(SyntheticConfig.spreadFaults(0.2));
    Manifest old = Produced.send(produce.withCount(1_000).withSpreadOver(Duration.ofHours(2)).withSeed(31));
    Pipeline.bronzeCaughtUp(lake, Exchange.BINANCE, topic, 100_000);
    runSilver(lake, STRICT);
    long injectedTooOld = old.exchanges().get("binance").faults().getOrDefault("OLD_TIMESTAMP", 0L);
    long rejectedByTheStrictRule = dlqRows(lake, "error_reason = 'timestamp_too_old'") - injectedTooOld;

    // New trades keep flowing through bronze and silver (with the strict rule) while the replay runs.
    java.util.concurrent.CompletableFuture<Manifest> more = java.util.concurrent.CompletableFuture.supplyAsync(
        () -> Produced.send(produce.withCount(1_500).withRate(500).withSeed(32)));
    StreamingQuery bronze = io.cryptolake.bronze.BronzeStream.start(TestLake.spark(), lake.config(),
        new io.cryptolake.bronze.BronzeConfig(Exchange.BINANCE, TestLake.servers().config().kafkaBootstrap(), topic,
            "earliest", 200, true, lake.stream("300ms")));
    StreamingQuery silver = SilverStream.start(TestLake.spark(), lake.config(),
        Pipeline.silver(lake, Exchange.BINANCE, STRICT, Duration.ofSeconds(20)));
    ReplayResult replay = DlqReplay.run(TestLake.spark(), lake.config(),
        options(false, List.of("timestamp_too_old"), null, null, null));
    Manifest newer = more.join();
    bronze.processAllAvailable();
    bronze.stop();
    silver.processAllAvailable();
    silver.stop();

    assertEquals(rejectedByTheStrictRule, replay.resolved());
    Reconciliation.Result reconcile = Reconciliation.run(TestLake.spark(), lake.config(), List.of(Exchange.BINANCE),
        null, null);
    assertTrue(reconcile.ok(), reconcile.toString());
    assertEquals(old.totalSent() + newer.totalSent(),
        reconcile.of(Exchange.BINANCE).silver() + reconcile.of(Exchange.BINANCE).dlq());
  }

  @Test
  void filtersSelectExactlyTheRequestedReasonsTypesAndDates() throws Exception {
    Lake lake = TestLake.lake("replay_filters", Storage.LOCAL);
    String topic = "replay_filters.kraken";
    Manifest manifest = Produced.send(Produced.config(Map.of(Exchange.KRAKEN, topic))
        .withExchanges(List.of(Exchange.KRAKEN)).withCount(1_500).withFaults(SyntheticConfig.spreadFaults(0.3))
        .withSeed(9));
    Pipeline.bronzeCaughtUp(lake, Exchange.KRAKEN, topic, 100_000);
    runSilver(lake, ValidationConfig.defaults(), Exchange.KRAKEN);
    Map<String, Long> faults = manifest.exchanges().get("kraken").faults();
    Map<String, Long> reasons = manifest.exchanges().get("kraken").expectedDlqReasons();
    LocalDate today = LocalDate.now(ZoneOffset.UTC);

    assertEquals(faults.get("NON_NUMERIC_PRICE"),
        dry(lake, options(true, List.of("price_not_numeric"), null, null, null), Exchange.KRAKEN).selected());
    assertEquals(reasons.get("invalid_wire_format") + reasons.get("unknown_schema_id")
            + reasons.get("avro_decode_failed"),
        dry(lake, options(true, null, List.of("deserialization"), null, null), Exchange.KRAKEN).selected());
    long all = reasons.values().stream().mapToLong(Long::longValue).sum();
    assertEquals(all, dry(lake, options(true, null, null, today, today), Exchange.KRAKEN).selected());
    assertEquals(0, dry(lake, options(true, null, null, today.plusDays(1), null), Exchange.KRAKEN).selected());
    assertEquals(0, dry(lake, options(true, null, null, null, today.minusDays(1)), Exchange.KRAKEN).selected());
    assertEquals(0, dry(lake, options(true, null, null, null, null), Exchange.KRAKEN).resolved(),
        "nothing passes with unchanged rules");
  }

  private static ReplayResult dry(Lake lake, ReplayOptions options, Exchange exchange) {
    return DlqReplay.run(TestLake.spark(), lake.config(), new ReplayOptions(List.of(exchange), options.from(),
        options.to(), options.errorTypes(), options.reasons(), options.limit(), true, options.registryUrl(),
        options.registryMaxWait(), options.validation()));
  }

  private static ReplayOptions options(boolean dryRun, List<String> reasons, List<String> types, LocalDate from,
      LocalDate to) {
    return new ReplayOptions(List.of(Exchange.BINANCE), from, to, types, reasons, null, dryRun,
        TestLake.servers().config().registryUrl(), Duration.ofSeconds(20), ValidationConfig.defaults());
  }

  private static ReplayOptions dryRun(ReplayOptions o) {
    return new ReplayOptions(o.exchanges(), o.from(), o.to(), o.errorTypes(), o.reasons(), o.limit(), true,
        o.registryUrl(), o.registryMaxWait(), o.validation());
  }

  private static void runSilver(Lake lake, ValidationConfig validation, Exchange... exchanges) throws Exception {
    for (Exchange exchange : exchanges.length == 0 ? new Exchange[] {Exchange.BINANCE} : exchanges) {
      StreamingQuery silver = SilverStream.start(TestLake.spark(), lake.config(),
          Pipeline.silver(lake, exchange, validation, Duration.ofSeconds(20)));
      silver.processAllAvailable();
      silver.stop();
    }
  }

  private static void runGold(Lake lake) throws Exception {
    StreamingQuery gold = GoldStream.start(TestLake.spark(), lake.config(),
        new GoldConfig(Duration.ofMinutes(5), 100, lake.stream("200ms")));
    StreamingQueries.awaitDrained(gold, Duration.ofMinutes(3));
    gold.stop();
  }

  private static long dlqRows(Lake lake, String where) {
    return TestLake.spark().table(lake.config().qualified(Tables.DLQ)).where(where).count();
  }

  private static long[] snapshots(Lake lake) {
    LakeCatalog catalog = new LakeCatalog(TestLake.spark(), lake.config());
    return new long[] {catalog.load(Tables.silverName(Exchange.BINANCE)).currentSnapshot().snapshotId(),
        catalog.load(Tables.DLQ).currentSnapshot().snapshotId()};
  }
}
