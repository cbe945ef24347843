package io.cryptolake.gold;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cryptolake.lake.CommitMarkers;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.Tables;
import io.cryptolake.localstack.TopicReader;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.reconcile.Reconciliation;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import io.cryptolake.schemas.SchemaRegistryClient;
import io.cryptolake.silver.SilverStream;
import io.cryptolake.streaming.StreamingQueries;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.Produced;
import io.cryptolake.testing.RawTrades;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import io.cryptolake.testing.TestLake;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.iceberg.Snapshot;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeLike;
import org.apache.spark.sql.execution.streaming.runtime.StreamingQueryWrapper;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

class GoldStreamTest {

  @Test
  void aTradeSentTwiceAndAgainAfterAGoldRestartIsInGoldOnce() throws Exception {
    Lake lake = TestLake.lake("gold_dedup", Storage.LOCAL);
    Map<Exchange, String> topics = Produced.topics("gold_dedup");
    Manifest manifest = Produced.send(Produced.config(topics).withCount(1_500)
        .withFaults(SyntheticConfig.spreadFaults(0.05)).withSeed(21));
    long resentByProducer = manifest.exchanges().values().stream().mapToLong(Manifest.ExchangeCounts::duplicates).sum();
    assertTrue(resentByProducer > 0);
    List<GoldBatchStats> stats = new CopyOnWriteArrayList<>();

    runThroughGold(lake, topics, config(Duration.ofMinutes(5)), stats);
    Reconciliation.Result first = reconcile(lake);
    assertTrue(first.ok(), first.toString());
    assertEquals(first.gold().silverKeys(), Pipeline.count(lake, Tables.GOLD));
    assertEquals(resentByProducer, stats.stream().mapToLong(GoldBatchStats::duplicatesRemoved).sum());

    // The same trades again, after gold stopped: the restarted query must remember them (checkpointed state).
    long goldBefore = Pipeline.count(lake, Tables.GOLD);
    for (Exchange exchange : Exchange.values()) {
      List<ConsumerRecord<byte[], byte[]>> valid = TopicReader.readAll(TestLake.servers().config().kafkaBootstrap(),
          topics.get(exchange)).stream().filter(r -> "VALID".equals(kind(r))).limit(50).toList();
      RawTrades.send(RawTrades.copies(valid));
    }
    stats.clear();
    runThroughGold(lake, topics, config(Duration.ofMinutes(5)), stats);

    assertEquals(goldBefore, Pipeline.count(lake, Tables.GOLD), "no trade is in gold twice");
    assertEquals(100, stats.stream().mapToLong(GoldBatchStats::duplicatesRemoved).sum());
    Reconciliation.Result second = reconcile(lake);
    assertTrue(second.ok(), second.toString());
    assertEquals(first.gold().silverKeys(), second.gold().silverKeys());
  }

  @Test
  void rowsLaterThanTheWatermarkAreCountedAndWrittenThroughOnce() throws Exception {
    Lake lake = TestLake.lake("gold_late", Storage.LOCAL);
    String topic = "gold_late.binance";
    Map<Exchange, String> topics = Map.of(Exchange.BINANCE, topic);
    Manifest onTime = Produced.send(Produced.config(topics).withExchanges(List.of(Exchange.BINANCE))
        .withCount(500).withFaults(Map.of()).withSeed(3));
    GoldConfig config = config(Duration.ofMinutes(1));
    List<GoldBatchStats> stats = new CopyOnWriteArrayList<>();
    runThroughGold(lake, topics, config, stats);
    assertEquals(onTime.exchanges().get("binance").valid() - onTime.exchanges().get("binance").duplicates(),
        Pipeline.count(lake, Tables.GOLD));

    // An hour old: valid for silver, but far behind gold's one-minute watermark.
    int schemaId = new SchemaRegistryClient(TestLake.servers().config().registryUrl())
        .register(topic + "-value", Exchange.BINANCE.rawSchema());
    var late = RawTrades.binance(topic, schemaId, 500_000_000L, 200, Instant.now().minus(Duration.ofHours(1)));
    RawTrades.send(late);
    stats.clear();
    runThroughGold(lake, topics, config, stats);
    long goldWithLate = Pipeline.count(lake, Tables.GOLD);
    assertEquals(200, stats.stream().mapToLong(GoldBatchStats::late).sum(), "every late row is counted");
    assertEquals(200, stats.stream().mapToLong(GoldBatchStats::lateInserted).sum(), "and written through");
    assertEquals(200, reconcile(lake).gold().lateRows(), "reconcile reports them");

    // The same late rows again: gold already has them, so nothing is added.
    RawTrades.send(late);
    runThroughGold(lake, topics, config, stats);
    assertEquals(goldWithLate, Pipeline.count(lake, Tables.GOLD));
    Reconciliation.Result result = reconcile(lake);
    assertTrue(result.ok(), result.toString());
    assertEquals(200, result.gold().lateRows());
  }

  /**
   * A batch with late and new rows of one symbol (an exchange that lagged behind the other: its older trades past
   * the watermark the other moved, its newer ones within it) never shows gold with a hole among that symbol's ids:
   * a reader between the batch's two commits (gold's own gap check, every few minutes on its own thread) saw the new
   * rows without the late ones below them and recorded a gap that the next commit filled. Rounds of random sizes;
   * every snapshot of gold is read back.
   */
  @Test
  void noSnapshotOfGoldHasAHoleAmongASymbolsIdsWhenABatchHasLateAndNewRows() throws Exception {
    BinanceFeed feed = BinanceFeed.named("gold_late_order");
    Lake lake = feed.lake();
    Random random = new Random(7);
    Duration watermark = Duration.ofMinutes(1);
    Instant t0 = Instant.now().minus(Duration.ofHours(2));
    // ETHUSDT leads: its one trade a round, ten minutes on each time, moves the watermark; BTCUSDT lags behind it.
    RawTrades.send(Stream.concat(feed.trades("BTCUSDT", 1, 50, t0.minus(Duration.ofMinutes(30))).stream(),
        feed.trades("ETHUSDT", 1, 1, t0).stream()).toList());
    throughSilver(lake, feed.topics());
    List<GoldBatchStats> stats = new CopyOnWriteArrayList<>();
    StreamingQuery gold = GoldStream.start(TestLake.spark(), lake.config(),
        new GoldConfig(watermark, 100, null).withStream(lake.stream("200ms")), stats::add);
    long nextId = 51;
    long lateSent = 0;
    try {
      StreamingQueries.awaitDrained(gold, Duration.ofMinutes(3));
      for (int round = 1; round <= 3; round++) {
        // The watermark of this round's batch: the previous round's ETHUSDT trade, less the delay.
        Instant batchWatermark = t0.plus(Duration.ofMinutes(10L * (round - 1))).minus(watermark);
        int late = 1 + random.nextInt(40);
        int fresh = 1 + random.nextInt(40);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.addAll(feed.trades("BTCUSDT", nextId, late, batchWatermark.minus(Duration.ofMinutes(5))));
        records.addAll(feed.trades("BTCUSDT", nextId + late, fresh, batchWatermark.plusSeconds(10)));
        records.addAll(feed.trades("ETHUSDT", round + 1, 1, t0.plus(Duration.ofMinutes(10L * round))));
        RawTrades.send(records);
        nextId += late + fresh;
        lateSent += late;
        throughSilver(lake, feed.topics());
        StreamingQueries.awaitDrained(gold, Duration.ofMinutes(3));
      }
    } finally {
      gold.stop();
    }
    assertEquals(3, stats.stream().filter(s -> s.late() > 0 && s.appended() > 0).count(),
        "each round one batch with late and new rows: " + stats);
    assertEquals(lateSent, stats.stream().mapToLong(GoldBatchStats::lateInserted).sum());
    String table = lake.config().qualified(Tables.GOLD);
    List<String> holes = new ArrayList<>();
    for (Snapshot snapshot : new LakeCatalog(TestLake.spark(), lake.config()).load(Tables.GOLD)
        .snapshots()) {
      for (Row symbol : TestLake.spark().read().option("versionAsOf", snapshot.snapshotId()).table(table)
          .groupBy("symbol").agg(count("*"), max("source_sequence")).collectAsList()) {
        if (symbol.getLong(1) != symbol.getLong(2)) {
          holes.add(String.format("snapshot %d (%s): %s has %d ids of 1..%d", snapshot.snapshotId(),
              snapshot.summary().containsKey(CommitMarkers.LATE_MERGE) ? "late rows" : "new rows",
              symbol.getString(0), symbol.getLong(1), symbol.getLong(2)));
        }
      }
    }
    assertEquals(List.of(), holes);
    assertEquals(nextId - 1 + 4, Pipeline.count(lake, Tables.GOLD));
  }

  /**
   * The late rows' check against gold reads only the partitions (UTC date and hour) the late rows belong to,
   * not all of gold: measured by Iceberg's scan metrics, data files planned.
   */
  @Test
  void theLateRowsCheckReadsOnlyTheirHoursOfGold() throws Exception {
    BinanceFeed feed = BinanceFeed.named("gold_late_hours");
    Lake lake = feed.lake();
    Instant hour = Instant.now().truncatedTo(ChronoUnit.HOURS);
    List<ProducerRecord<byte[], byte[]>> day = new ArrayList<>();
    for (int h = 24; h >= 1; h--) {
      day.addAll(feed.trades(10_000 + h, 1, hour.minus(Duration.ofHours(h)).plusSeconds(30)));
    }
    RawTrades.send(day);
    GoldConfig config = config(Duration.ofMinutes(1));
    List<GoldBatchStats> stats = new CopyOnWriteArrayList<>();
    runThroughGold(lake, feed.topics(), config, stats);
    assertEquals(24L, TestLake.spark().sql("SELECT count(*) FROM " + lake.config().qualified(Tables.GOLD) + ".files")
        .first().getLong(0), "one file in each of 24 hourly partitions");

    RawTrades.send(feed.trades(20_000, 5, hour.minus(Duration.ofHours(12)).plusSeconds(60)));
    throughSilver(lake, feed.topics());
    stats.clear();
    double scannedBefore = JobMetrics.value(LakeMetric.ICEBERG_FILES_SCANNED);
    StreamingQuery gold = GoldStream.start(TestLake.spark(), lake.config(),
        config.withStream(lake.stream("200ms")), stats::add);
    StreamingQueries.awaitDrained(gold, Duration.ofMinutes(3));
    gold.stop();
    assertEquals(5, stats.stream().mapToLong(GoldBatchStats::lateInserted).sum());
    assertEquals(1.0, JobMetrics.value(LakeMetric.ICEBERG_FILES_SCANNED) - scannedBefore,
        "the check read the one file of the late rows' hour");
  }

  /**
   * Ids whose duplicates arrive in a later batch must still leave the state once the watermark passes their trade
   * time, and a late id never enters it: the state holds the symbol's one entry, and in it exactly the ranges of the
   * ids within the watermark (read from the checkpoint with Spark's state reader), counted by the state's own
   * numRowsTotal and the published state_rows metric.
   */
  @Test
  void idsWithDuplicatesInLaterBatchesLeaveTheStateOnceTheWatermarkPassesThem() throws Exception {
    BinanceFeed feed = BinanceFeed.named("gold_state");
    Lake lake = feed.lake();
    Instant t0 = Instant.now().minus(Duration.ofHours(1));
    GoldConfig config = config(Duration.ofSeconds(10));
    List<GoldBatchStats> stats = new CopyOnWriteArrayList<>();
    var first = feed.trades(1_000, 100, t0);
    RawTrades.send(first);
    runThroughGold(lake, feed.topics(), config, stats);
    RawTrades.send(first);
    runThroughGold(lake, feed.topics(), config, stats);
    assertEquals(100, stats.stream().mapToLong(GoldBatchStats::duplicatesRemoved).sum());

    // 50 trades ten minutes later move the watermark past every earlier id. Gold runs no batch without data,
    // so the earlier ids leave the state in the next batch that has some: 10 trades a minute later.
    RawTrades.send(feed.trades(2_000, 50, t0.plus(Duration.ofMinutes(10))));
    runThroughGold(lake, feed.topics(), config, stats);
    RawTrades.send(feed.trades(3_000, 10, t0.plus(Duration.ofMinutes(11))));
    // And 30 trades the watermark has already passed: written through as late, never kept in the state.
    RawTrades.send(feed.trades(4_000, 30, t0));
    throughSilver(lake, feed.topics());
    GoldConfig running = config.withStream(lake.stream("200ms"));
    StreamingQuery gold = GoldStream.start(TestLake.spark(), lake.config(), running, stats::add);
    try {
      try {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
            .until(() -> gold.lastProgress() != null && stats.stream().mapToLong(GoldBatchStats::late).sum() == 30
                && stateRows(gold) == 1 && JobMetrics.value(LakeMetric.STATE_ROWS) == 1);
      } catch (ConditionTimeoutException e) {
        fail("the state should hold the symbol's one entry, but holds " + stateRows(gold)
            + " (metric " + JobMetrics.value(LakeMetric.STATE_ROWS) + ")");
      }
      // Nothing more to read: no batch runs (processing-time timeouts used to force one on every trigger).
      long lastBatch = gold.lastProgress().batchId();
      await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(6)).pollInterval(Duration.ofMillis(100))
          .until(() -> gold.lastProgress().batchId() == lastBatch);
      assertEquals(0.0, JobMetrics.value(LakeMetric.QUERIES_WITH_DATA), "caught up: no query has data waiting");
    } finally {
      gold.stop();
    }
    assertEquals(List.of("[2000, 2049]", "[3000, 3009]"), stateRanges(running));
    assertEquals(190, Pipeline.count(lake, Tables.GOLD));
    assertEquals(30, stats.stream().mapToLong(GoldBatchStats::late).sum());
    assertEquals((double) GoldConfig.DEFAULT_STATE_ROWS_BOUND, JobMetrics.value(LakeMetric.STATE_ROWS_BOUND));
  }

  /**
   * A batch reads and writes one state entry per symbol, whatever its rows: 100 trades, then 10, of one symbol write
   * one entry each time, and the state is that one entry (the per-key layout wrote an entry per trade and held
   * 110). One state partition, read in one task: no shuffle before the state operator; the state in RocksDB.
   */
  @Test
  void aBatchWritesOneStateEntryPerSymbol() throws Exception {
    BinanceFeed feed = BinanceFeed.named("gold_visits");
    Lake lake = feed.lake();
    GoldConfig config = config(Duration.ofSeconds(120));
    RawTrades.send(feed.trades(1_000, 100, Instant.now().minusMillis(100)));
    throughSilver(lake, feed.topics());
    StreamingQuery gold = GoldStream.start(TestLake.spark(), lake.config(), config.withStream(lake.stream("200ms")));
    try {
      StreamingQueries.awaitDrained(gold, Duration.ofMinutes(3));
      RawTrades.send(feed.trades(1_100, 10, Instant.now().minusMillis(10)));
      throughSilver(lake, feed.topics());
      StreamingQueries.awaitDrained(gold, Duration.ofMinutes(3));
      for (long rows : new long[] {100, 10}) {
        StreamingQueryProgress batch = Arrays.stream(gold.recentProgress()).filter(p -> p.numInputRows() == rows)
            .findFirst().orElseThrow();
        assertEquals(1, batch.stateOperators()[0].numRowsUpdated(), "state writes of the batch of " + rows);
        assertEquals(1, batch.stateOperators()[0].numRowsTotal());
      }
      SparkPlan plan = ((StreamingQueryWrapper) gold).streamingQuery().lastExecution().executedPlan();
      assertFalse(hasShuffle(plan),
          "one state partition, read in one task: no shuffle before the state operator\n" + plan);
      Set<String> storeMetrics = gold.lastProgress().stateOperators()[0].customMetrics().keySet();
      assertTrue(storeMetrics.stream().anyMatch(name -> name.startsWith("rocksdb")),
          "gold's state in RocksDB, the product's default (LakeSession): " + storeMetrics);
    } finally {
      gold.stop();
    }
    assertEquals(110, Pipeline.count(lake, Tables.GOLD));
  }

  /**
   * A gold checkpoint written with one state entry per key (before the per-symbol layout) goes on with it: the
   * trades it has seen are still duplicates after the restart, and the layout stays what Spark's checkpoint holds.
   */
  @Test
  void aCheckpointWithTheStatePerKeyGoesOnPerKey() throws Exception {
    BinanceFeed feed = BinanceFeed.named("gold_per_key");
    Lake lake = feed.lake();
    GoldConfig config = config(Duration.ofMinutes(5)).withStream(lake.stream("200ms"));
    var trades = feed.trades(1_000, 100, Instant.now().minusSeconds(5));
    RawTrades.send(trades);
    throughSilver(lake, feed.topics());
    List<GoldBatchStats> stats = new CopyOnWriteArrayList<>();
    StreamingQuery perKey = GoldStream.start(TestLake.spark(), lake.config(), config, stats::add,
        DeduplicationLayout.PER_KEY);
    StreamingQueries.awaitDrained(perKey, Duration.ofMinutes(3));
    perKey.stop();
    String checkpoint = config.stream().checkpointFor(GoldConfig.JOB_NAME);
    assertEquals(DeduplicationLayout.PER_KEY, DeduplicationLayout.of(TestLake.spark(), checkpoint));

    RawTrades.send(trades.subList(0, 40));
    runThroughGold(lake, feed.topics(), config(Duration.ofMinutes(5)), stats);
    assertEquals(40, stats.stream().mapToLong(GoldBatchStats::duplicatesRemoved).sum());
    assertEquals(100, Pipeline.count(lake, Tables.GOLD));
    assertEquals(DeduplicationLayout.PER_KEY, DeduplicationLayout.of(TestLake.spark(), checkpoint));
  }

  /**
   * Gold looks for the silvers' commits every --gold-poll-interval and starts a batch on one, without waiting for its
   * trigger: on an hour's trigger, trades committed to silver after gold's first look are in gold within a minute.
   */
  @Test
  void goldStartsABatchWhenASilverCommitsNotOnlyOnItsTrigger() throws Exception {
    BinanceFeed feed = BinanceFeed.named("gold_poll");
    Lake lake = feed.lake();
    GoldConfig config = config(Duration.ofMinutes(5))
        .withStream(lake.stream("1h").withSourcePoll(Duration.ofMillis(200)));
    StreamingQuery gold = GoldStream.start(TestLake.spark(), lake.config(), config);
    try {
      await().atMost(Duration.ofMinutes(1)).until(() -> gold.lastProgress() != null);
      RawTrades.send(feed.trades(1_000, 20, Instant.now().minusSeconds(1)));
      throughSilver(lake, feed.topics());
      await("gold reads silver's commit before its next hourly trigger").atMost(Duration.ofMinutes(1))
          .pollInterval(Duration.ofMillis(500)).until(() -> Pipeline.count(lake, Tables.GOLD) == 20);
    } finally {
      gold.stop();
    }
  }

  /** The ranges of ids in gold's state, "[first, last]", read from its checkpoint with Spark's state reader. */
  private static List<String> stateRanges(GoldConfig config) {
    List<String> ranges = new ArrayList<>();
    for (Row entry : TestLake.spark().read().format("statestore")
        .load(config.stream().checkpointFor(GoldConfig.JOB_NAME)).select("value.groupState.value").collectAsList()) {
      ByteBuffer bytes = ByteBuffer.wrap((byte[]) entry.get(0));
      while (bytes.hasRemaining()) {
        ranges.add("[" + bytes.getLong() + ", " + bytes.getLong() + "]");
        bytes.getLong();
      }
    }
    return ranges;
  }

  private static boolean hasShuffle(SparkPlan plan) {
    return plan instanceof ShuffleExchangeLike
        || CollectionConverters.asJava(plan.children()).stream().anyMatch(GoldStreamTest::hasShuffle);
  }

  private static long stateRows(StreamingQuery query) {
    StreamingQueryProgress progress = query.lastProgress();
    return progress == null ? -1
        : Arrays.stream(progress.stateOperators()).mapToLong(StateOperatorProgress::numRowsTotal).sum();
  }

  /** A test's own lake and its one Binance topic (2 partitions), the exchange's raw schema registered for it. */
  private record BinanceFeed(Lake lake, String topic, int schemaId) {
    static BinanceFeed named(String name) {
      String topic = name + ".binance";
      return new BinanceFeed(TestLake.lake(name, Storage.LOCAL), topic, RawTrades.topic(topic, Exchange.BINANCE));
    }

    Map<Exchange, String> topics() {
      return Map.of(Exchange.BINANCE, topic);
    }

    /** BTCUSDT trades with ids from {@code firstId}, trade time {@code start + i ms}. */
    List<ProducerRecord<byte[], byte[]>> trades(long firstId, int count, Instant start) {
      return RawTrades.binance(topic, schemaId, firstId, count, start);
    }

    /** Trades of {@code symbol} with ids from {@code firstId}, trade time {@code start + i ms}. */
    List<ProducerRecord<byte[], byte[]>> trades(String symbol, long firstId, int count, Instant start) {
      return RawTrades.binance(topic, schemaId, symbol, firstId, count, start);
    }
  }

  /** The stream settings are filled in per lake by {@link #runThroughGold}. */
  private static GoldConfig config(Duration watermark) {
    return new GoldConfig(watermark, 2, null);
  }

  /** Bronze and silver for the topics, then gold from its checkpoint until it has everything. */
  private static void runThroughGold(Lake lake, Map<Exchange, String> topics, GoldConfig config,
      List<GoldBatchStats> stats) throws Exception {
    throughSilver(lake, topics);
    StreamingQuery gold = GoldStream.start(TestLake.spark(), lake.config(),
        config.withStream(lake.stream("200ms")), stats::add);
    StreamingQueries.awaitDrained(gold, Duration.ofMinutes(3));
    gold.stop();
  }

  private static void throughSilver(Lake lake, Map<Exchange, String> topics) throws Exception {
    for (Map.Entry<Exchange, String> topic : topics.entrySet()) {
      Pipeline.bronzeCaughtUp(lake, topic.getKey(), topic.getValue(), 100_000);
      StreamingQuery silver = SilverStream.start(TestLake.spark(), lake.config(), Pipeline.silver(lake, topic.getKey()));
      silver.processAllAvailable();
      silver.stop();
    }
  }

  /** Reconciles the exchanges the test fed (reconcile requires the tables of every exchange it is given). */
  private static Reconciliation.Result reconcile(Lake lake) {
    LakeCatalog catalog = new LakeCatalog(TestLake.spark(), lake.config());
    List<Exchange> fed = Stream.of(Exchange.values()).filter(e -> catalog.exists(Tables.bronzeName(e))).toList();
    return Reconciliation.run(TestLake.spark(), lake.config(), fed, null, null);
  }

  private static String kind(ConsumerRecord<byte[], byte[]> record) {
    return new String(record.headers().lastHeader(Manifest.KIND_HEADER).value(), StandardCharsets.UTF_8);
  }
}
