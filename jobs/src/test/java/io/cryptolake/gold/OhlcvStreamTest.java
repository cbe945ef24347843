package io.cryptolake.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.lake.Tables;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.streaming.StreamingQueries;
import io.cryptolake.testing.SparkJobs;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.commons.io.FileUtils;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

/** The bars query on a running stream of gold commits: every bar equals what gold's trades of its minute say. */
class OhlcvStreamTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:15:00Z");

  @Test
  void barsFollowGoldIncludingLateTradesIdleSymbolsAndALaggingExchange() throws Exception {
    Lake lake = TestLake.lake("bars_follow", Storage.LOCAL);
    GoldRows.append(lake, List.of(
        GoldRows.trade("BINANCE", "BTCUSDT", 101, T0.plusSeconds(5), "100", "1"),
        GoldRows.trade("BINANCE", "BTCUSDT", 102, T0.plusSeconds(50), "101", "2"),
        GoldRows.trade("BINANCE", "BTCUSDT", 104, T0.plusSeconds(70), "102", "1"),
        // ETHUSDT trades once and then goes quiet: its bar must not wait for anything.
        GoldRows.trade("BINANCE", "ETHUSDT", 7, T0.plusSeconds(30), "3400.5", "0.25")));
    double correctionsBefore = JobMetrics.value(LakeMetric.BAR_CORRECTIONS);
    // One query for both steps: its second batch knows the symbols' latest bars from its first.
    StreamingQuery query = startBars(lake);
    StreamingQueries.awaitDrained(query, Duration.ofMinutes(2));
    assertBarsEqualGold(lake, 3);

    // A late BTCUSDT trade for 10:15 (its 10:16 bar exists: a correction) and Kraken an hour behind Binance.
    GoldRows.append(lake, List.of(
        GoldRows.trade("BINANCE", "BTCUSDT", 103, T0.plusSeconds(59), "99", "4"),
        GoldRows.trade("KRAKEN", "BTCUSD", 55, T0.minusSeconds(3_600), "98000.1", "0.5"),
        GoldRows.trade("KRAKEN", "BTCUSD", 56, T0.minusSeconds(3_590), "98000.2", "0.5")));
    StreamingQueries.awaitDrained(query, Duration.ofMinutes(2));
    query.stop();
    List<Row> bars = assertBarsEqualGold(lake, 4);
    Row btc1015 = bars.stream().filter(b -> b.getAs("symbol").equals("BTCUSDT")
        && ((Timestamp) b.getAs("minute")).toInstant().equals(T0)).findFirst().orElseThrow();
    assertEquals(new BigDecimal("99").setScale(18), btc1015.getAs("close"), "the late trade is the minute's close");
    assertEquals(new BigDecimal("7").setScale(18), btc1015.getAs("volume"));
    assertEquals(3L, (Long) btc1015.getAs("trade_count"));
    assertEquals(1.0, JobMetrics.value(LakeMetric.BAR_CORRECTIONS) - correctionsBefore,
        "one bar of a closed minute was corrected; Kraken's first bars are new, not corrections");

    // The product's own check agrees, and sees a bar that no longer says what gold says.
    List<String> codes = List.of("BINANCE", "KRAKEN");
    BarCheck.Result check = BarCheck.run(TestLake.spark(), lake.config(), codes);
    assertTrue(check.ok(), check.line());
    assertEquals(4, check.bars());
    TestLake.spark().sql("UPDATE " + lake.config().qualified(Tables.OHLCV_1M) + " SET high = high + 1 "
        + "WHERE symbol = 'ETHUSDT'");
    BarCheck.Result tampered = BarCheck.run(TestLake.spark(), lake.config(), codes);
    assertEquals(1, tampered.different(), tampered.line());
    assertEquals(1, tampered.offenders().size());
  }

  @Test
  void aBarWhoseValueOverflowsHasThatColumnNullIsCountedAndTheQueryRunsOn() throws Exception {
    Lake lake = TestLake.lake("bars_overflow", Storage.LOCAL);
    String maxPrice = "99999999999999999999.999999999999999999";
    GoldRows.append(lake, List.of(
        // 10:15: price x quantity is about 1e40, beyond decimal(38,18), and so is the VWAP's 1e20.
        GoldRows.trade("BINANCE", "PEPEUSDT", 1, T0.plusSeconds(1), maxPrice, "99999999999999999999"),
        // 10:16: two quantities that fit, whose sum does not.
        GoldRows.trade("BINANCE", "PEPEUSDT", 2, T0.plusSeconds(61), "0.000000000000000001", "60000000000000000000"),
        GoldRows.trade("BINANCE", "PEPEUSDT", 3, T0.plusSeconds(62), "0.000000000000000001", "60000000000000000000"),
        // 10:17: an ordinary bar.
        GoldRows.trade("BINANCE", "PEPEUSDT", 4, T0.plusSeconds(121), "0.00001", "1000")));
    double overflowsBefore = JobMetrics.value(LakeMetric.BAR_OVERFLOWS);
    StreamingQuery query = runBars(lake);
    assertTrue(query.exception().isEmpty(), "the bars query did not fail");
    List<Row> bars = assertBarsEqualGold(lake, 3);
    assertNull(bars.get(0).getAs("quote_volume"));
    assertNull(bars.get(0).getAs("vwap"));
    assertEquals(new BigDecimal("99999999999999999999").setScale(18), bars.get(0).getAs("volume"));
    assertNull(bars.get(1).getAs("volume"));
    assertEquals(0, new BigDecimal("120").compareTo(bars.get(1).getAs("quote_volume")));
    assertNotNull(bars.get(2).getAs("volume"));
    assertNotNull(bars.get(2).getAs("quote_volume"));
    assertNotNull(bars.get(2).getAs("vwap"));
    assertEquals(2.0, JobMetrics.value(LakeMetric.BAR_OVERFLOWS) - overflowsBefore);
  }

  /**
   * Spark runs batch 0 of the bars query even over an empty gold: a batch of no rows, with no Spark job (its
   * planning and compiling held task slots in a cold start); the next batch makes the bars.
   */
  @Test
  void aBatchOverAnEmptyGoldStartsNoSparkJob() throws Exception {
    Lake lake = TestLake.lake("bars_empty_start", Storage.LOCAL);
    List<StreamingQuery> started = new ArrayList<>();
    Map<String, Long> jobs = SparkJobs.byQuery(TestLake.spark(), () -> {
      started.add(startBars(lake));
      drained(started.get(0));
    });
    StreamingQuery query = started.get(0);
    assertEquals(0L, query.lastProgress().batchId(), "batch 0 ran");
    assertEquals(0L, query.lastProgress().numInputRows());
    assertEquals(0L, jobs.getOrDefault(query.id().toString(), 0L), "Spark jobs of batch 0 over an empty gold");

    GoldRows.append(lake, List.of(GoldRows.trade("BINANCE", "BTCUSDT", 1, T0.plusSeconds(5), "100", "1")));
    Map<String, Long> later = SparkJobs.byQuery(TestLake.spark(), () -> drained(query));
    query.stop();
    assertTrue(later.getOrDefault(query.id().toString(), 0L) > 0, "a batch with rows runs its jobs");
    assertBarsEqualGold(lake, 1);
  }

  private static void drained(StreamingQuery query) {
    try {
      StreamingQueries.awaitDrained(query, Duration.ofMinutes(2));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }

  /** One batch over more hours than the scan names one by one (a catch-up): the coarser scan, the same bars. */
  @Test
  void aBatchOverThreeDaysOfHoursGivesTheSameBars() throws Exception {
    Lake lake = TestLake.lake("bars_many_hours", Storage.LOCAL);
    List<Row> trades = new ArrayList<>();
    for (int h = 0; h < 72; h++) {
      trades.add(GoldRows.trade("BINANCE", "BTCUSDT", h + 1, T0.plus(Duration.ofHours(h)), "100." + h, "1"));
    }
    GoldRows.append(lake, trades);
    runBars(lake);
    assertBarsEqualGold(lake, 72);
  }

  /**
   * Spark runs a batch again when the query stopped after the batch's MERGE committed and before its checkpoint
   * did (here: the batch's commit file removed): the table has the batch, so its trades are not added twice.
   */
  @Test
  void aBatchRunAgainAfterItsCommitAddsNothing() throws Exception {
    Lake lake = TestLake.lake("bars_again", Storage.LOCAL);
    barsAcross(lake, List.of(GoldRows.trade("BINANCE", "BTCUSDT", 1, T0.plusSeconds(1), "100", "1")), () -> {},
        List.of(GoldRows.trade("BINANCE", "BTCUSDT", 2, T0.plusSeconds(2), "101", "2"),
            GoldRows.trade("BINANCE", "BTCUSDT", 3, T0.plusSeconds(62), "102", "3")));
    Path commits = checkpoint(lake).resolve("commits");
    long last;
    try (Stream<Path> files = Files.list(commits)) {
      last = files.map(f -> f.getFileName().toString()).filter(n -> n.matches("[0-9]+")).mapToLong(Long::parseLong)
          .max().orElseThrow();
    }
    Files.delete(commits.resolve(String.valueOf(last)));
    Files.deleteIfExists(commits.resolve("." + last + ".crc"));
    runBars(lake);
    List<Row> bars = assertBarsEqualGold(lake, 2);
    assertEquals(2L, (Long) bars.get(0).getAs("trade_count"));
  }

  /** A bars checkpoint lost while the bars stay: they are rebuilt from gold, not added to a second time. */
  @Test
  void aLostCheckpointRebuildsTheBars() throws Exception {
    Lake lake = TestLake.lake("bars_lost", Storage.LOCAL);
    List<Row> bars = barsAcross(lake, List.of(GoldRows.trade("BINANCE", "BTCUSDT", 1, T0.plusSeconds(1), "100", "1"),
            GoldRows.trade("KRAKEN", "BTCUSD", 9, T0.plusSeconds(3), "99", "0.5")),
        () -> FileUtils.deleteDirectory(checkpoint(lake).toFile()),
        List.of(GoldRows.trade("BINANCE", "BTCUSDT", 2, T0.plusSeconds(2), "101", "2")));
    assertEquals(2L, (Long) bars.get(0).getAs("trade_count"));
  }

  /**
   * Bars written before the table had the merge columns (NULL in them): the batch that touches one computes it
   * from all of gold's trades of its minute, as then, and from then on it has them.
   */
  @Test
  void aBarWithoutTheMergeColumnsIsComputedFromGold() throws Exception {
    Lake lake = TestLake.lake("bars_legacy", Storage.LOCAL);
    List<Row> bars = barsAcross(lake, List.of(GoldRows.trade("BINANCE", "BTCUSDT", 2, T0.plusSeconds(2), "101", "2"),
            GoldRows.trade("BINANCE", "BTCUSDT", 5, T0.plusSeconds(65), "103", "1")),
        () -> TestLake.spark().sql("UPDATE " + lake.config().qualified(Tables.OHLCV_1M) + " SET open_time = NULL, "
            + "open_sequence = NULL, close_time = NULL, close_sequence = NULL, price_quantity_sum = NULL, "
            + "quantity_sum = NULL WHERE minute = TIMESTAMP '" + T0 + "'"),
        // An earlier trade (the minute's new open) into the old bar, and one into the bar that has the columns.
        List.of(GoldRows.trade("BINANCE", "BTCUSDT", 1, T0.plusSeconds(1), "99", "1"),
            GoldRows.trade("BINANCE", "BTCUSDT", 6, T0.plusSeconds(66), "104", "1")));
    assertEquals(0, new BigDecimal("99").compareTo(bars.get(0).getAs("open")));
    assertEquals(2L, (Long) bars.get(1).getAs("trade_count"));
  }

  /** Gold's first rows, the bars query, {@code meanwhile}, more rows, the bars query: the two bars then. */
  private static List<Row> barsAcross(Lake lake, List<Row> first, Meanwhile meanwhile, List<Row> second)
      throws Exception {
    GoldRows.append(lake, first);
    runBars(lake);
    meanwhile.run();
    GoldRows.append(lake, second);
    runBars(lake);
    return assertBarsEqualGold(lake, 2);
  }

  private interface Meanwhile {
    void run() throws Exception;
  }

  private static Path checkpoint(Lake lake) {
    return Path.of(URI.create(lake.stream("200ms").checkpointFor(GoldConfig.OHLCV_CHECKPOINT)));
  }

  /** Runs the bars query from its checkpoint until it has taken every gold commit; returns the stopped query. */
  private static StreamingQuery startBars(Lake lake) {
    return OhlcvStream.start(TestLake.spark(), lake.config(),
        new GoldConfig(Duration.ofMinutes(1), 100, lake.stream("200ms")));
  }

  private static StreamingQuery runBars(Lake lake) throws Exception {
    StreamingQuery query = startBars(lake);
    StreamingQueries.awaitDrained(query, Duration.ofMinutes(2));
    query.stop();
    return query;
  }

  /**
   * The bars table, row by row, against bars computed in one batch from all of gold, the merge columns too;
   * returns the bars.
   */
  private static List<Row> assertBarsEqualGold(Lake lake, int expectedBars) {
    String order = "exchange, symbol, minute";
    List<Row> expected = OhlcvStream.partials(TestLake.spark().table(lake.config().qualified(Tables.GOLD)))
        .orderBy("exchange", "symbol", "minute").collectAsList();
    List<Row> actual = TestLake.spark().sql("SELECT * FROM " + lake.config().qualified(Tables.OHLCV_1M)
        + " ORDER BY " + order).collectAsList();
    assertEquals(expectedBars, expected.size());
    assertEquals(expected.size(), actual.size(), "one bar per (exchange, symbol, minute) of gold");
    for (int i = 0; i < expected.size(); i++) {
      Row e = expected.get(i);
      Row a = actual.get(i);
      for (String column : List.of("exchange", "symbol", "currency", "minute", "open", "high", "low", "close",
          "volume", "quote_volume", "trade_count", "open_time", "open_sequence", "close_time", "close_sequence")) {
        assertEquals((Object) e.getAs(column), a.getAs(column), column + " of " + e);
      }
      // Double-precision sums; their order of addition may differ between the two computations.
      assertClose(e.<BigDecimal>getAs("vwap"), a.<BigDecimal>getAs("vwap"), "vwap of " + e);
      for (String sum : List.of("price_quantity_sum", "quantity_sum")) {
        assertClose(BigDecimal.valueOf(e.<Double>getAs(sum)), BigDecimal.valueOf(a.<Double>getAs(sum)), sum + " of " + e);
      }
    }
    return actual;
  }

  private static void assertClose(BigDecimal expected, BigDecimal actual, String what) {
    assertEquals(expected == null, actual == null, what);
    if (expected != null) {
      assertEquals(expected.doubleValue(), actual.doubleValue(), Math.abs(expected.doubleValue()) * 1e-12, what);
    }
  }
}
