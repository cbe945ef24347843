package io.cryptolake.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.gaps.SequenceGaps;
import io.cryptolake.lake.Tables;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Storage;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class OhlcvAndGapsTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:15:00Z");

  /** Bars on a small set computed by hand, with trades out of order and a tie on trade time. */
  @Test
  void barsHaveExactValuesWhateverOrderTheTradesArriveIn() throws Exception {
    TestLake.Lake lake = TestLake.lake("gold_bars", Storage.LOCAL);
    // Minute 10:15, listed in arrival order (not trade-time order).
    List<Row> rows = new ArrayList<>(List.of(
        GoldRows.trade("BINANCE", "BTCUSDT", 103, T0.plusSeconds(40), "101.5", "2"),
        GoldRows.trade("BINANCE", "BTCUSDT", 101, T0.plusSeconds(5), "100", "1"),      // first by time: open
        GoldRows.trade("BINANCE", "BTCUSDT", 105, T0.plusSeconds(59), "99", "0.5"),
        GoldRows.trade("BINANCE", "BTCUSDT", 104, T0.plusSeconds(59), "102", "1.5"),   // ties 105 on time; lower id
        GoldRows.trade("BINANCE", "BTCUSDT", 102, T0.plusSeconds(20), "103.25", "0.25"),
        // Minute 10:16: one trade.
        GoldRows.trade("BINANCE", "BTCUSDT", 106, T0.plusSeconds(61), "98", "4"),
        // Another symbol in 10:15.
        GoldRows.trade("KRAKEN", "ETHUSD", 7, T0.plusSeconds(30), "3400.123456789012345678", "0.000000000000000001")));
    GoldRows.append(lake, rows);

    List<Row> bars = OhlcvStream.bars(TestLake.spark().table(lake.config().qualified(Tables.GOLD)))
        .orderBy("exchange", "symbol", "minute").collectAsList();
    assertEquals(3, bars.size());
    // BTCUSDT 10:15 by hand: open 100 (10:15:05), close 99 (10:15:59, id 105 after 104), high 103.25, low 99,
    // volume 1+0.25+2+1.5+0.5 = 5.25, quote volume 100+25.8125+203+153+49.5 = 531.3125, vwap 531.3125/5.25.
    assertBar(bars.get(0), "BTCUSDT", T0, "100", "103.25", "99", "99", "5.25", "531.3125", 5, "101.202380952380952381");
    assertBar(bars.get(1), "BTCUSDT", T0.plusSeconds(60), "98", "98", "98", "98", "4", "392", 1, "98");
    assertBar(bars.get(2), "ETHUSD", T0, "3400.123456789012345678", "3400.123456789012345678",
        "3400.123456789012345678", "3400.123456789012345678", "0.000000000000000001", "0", 1,
        "3400.123456789012345678");
  }

  /** Known gaps in several symbols, at every severity boundary; a second run adds nothing. */
  @Test
  void gapsAreFoundWithExactBoundariesAndSeveritiesAndRecordedOnce() throws Exception {
    TestLake.Lake lake = TestLake.lake("gold_gaps", Storage.LOCAL);
    List<Row> rows = new ArrayList<>();
    long[] btc = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 25, 200, 5000};
    long[] eth = {1, 2, 3, 14, 115, 1116, 2118};
    long[] kraken = {5, 6, 8, 9};
    add(rows, "BINANCE", "BTCUSDT", btc);
    add(rows, "BINANCE", "ETHUSDT", eth);
    add(rows, "KRAKEN", "BTCUSD", kraken);
    GoldRows.append(lake, rows);

    SequenceGaps.Result first = SequenceGaps.detect(TestLake.spark(), lake.config(), null, null);
    List<String> found = first.found().stream().map(OhlcvAndGapsTest::describe).toList();
    assertEquals(List.of(
        "BINANCE BTCUSDT 11..11 1 LOW",
        "BINANCE BTCUSDT 13..24 12 MEDIUM",
        "BINANCE BTCUSDT 26..199 174 HIGH",
        "BINANCE BTCUSDT 201..4999 4799 CRITICAL",
        "BINANCE ETHUSDT 4..13 10 LOW",
        "BINANCE ETHUSDT 15..114 100 MEDIUM",
        "BINANCE ETHUSDT 116..1115 1000 HIGH",
        "BINANCE ETHUSDT 1117..2117 1001 CRITICAL",
        "KRAKEN BTCUSD 7..7 1 LOW"), found);
    assertEquals(9, first.added());
    // Its log line says where its time went, each phase once, in the order they ran.
    assertEquals(List.of("appended rows", "steps", "new and late", "merge", "progress"),
        List.of(first.phases().replaceAll(" [0-9]+\\.[0-9] s", "").split(", ")));

    SequenceGaps.Result second = SequenceGaps.detect(TestLake.spark(), lake.config(), null, null);
    assertEquals(9, second.found().size());
    assertEquals(0, second.added(), "a second run adds nothing");
    assertEquals(9, Pipeline.count(lake, Tables.SEQUENCE_GAPS));
  }

  /**
   * A check that finds tens of thousands of new gaps (30,000-50,000 a check at the benchmark's 2% faulty records)
   * records each once, and sends no task Spark warns about as too large: collected on the driver and sent back as
   * the MERGE's source, 39,157 gaps made one task of 2,782 KiB (the benchmark's log, every check).
   */
  @Test
  void aCheckOfTensOfThousandsOfNewGapsRecordsThemAllWithoutOneLargeTask() throws Exception {
    TestLake.Lake lake = TestLake.lake("gaps_many", Storage.LOCAL);
    int gaps = 24_000;
    List<Row> rows = new ArrayList<>();
    for (long id = 1; id <= 2L * gaps + 1; id += 2) {
      rows.add(GoldRows.trade("BINANCE", "BTCUSDT", id, T0.plusMillis(id), "1", "1"));
    }
    for (int from = 0; from < rows.size(); from += 4_000) {
      GoldRows.append(lake, rows.subList(from, Math.min(rows.size(), from + 4_000)));
    }

    SequenceGaps.Result result;
    try (TaskSizeWarnings warnings = TaskSizeWarnings.open()) {
      result = SequenceGaps.detect(TestLake.spark(), lake.config(), null, null);
      assertEquals(List.of(), warnings.messages());
    }
    assertEquals(gaps, result.found().size());
    assertEquals(gaps, result.added());
    Row recorded = TestLake.spark().table(lake.config().qualified(Tables.SEQUENCE_GAPS))
        .selectExpr("count(*)", "count(DISTINCT gap_start)", "min(gap_start)", "max(gap_end)", "sum(gap_size)",
            "sum(missing_ids)", "count_if(filled_at IS NULL)", "count_if(severity = 'LOW')").first();
    assertEquals(List.of((long) gaps, (long) gaps, 2L, 2L * gaps, (long) gaps, (long) gaps, (long) gaps, (long) gaps),
        List.of(recorded.getLong(0), recorded.getLong(1), recorded.getLong(2), recorded.getLong(3), recorded.getLong(4),
            recorded.getLong(5), recorded.getLong(6), recorded.getLong(7)));
  }

  /** Spark's warnings of a task of very large size while open (its logger is quiet in the suite otherwise). */
  private static final class TaskSizeWarnings extends AbstractAppender implements AutoCloseable {
    private static final String LOGGER = "org.apache.spark.scheduler.TaskSetManager";
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final Level previous;

    private TaskSizeWarnings() {
      super("task-size-warnings", null, null, true, Property.EMPTY_ARRAY);
      previous = LogManager.getLogger(LOGGER).getLevel();
    }

    static TaskSizeWarnings open() {
      TaskSizeWarnings warnings = new TaskSizeWarnings();
      warnings.start();
      Configurator.setLevel(LOGGER, Level.WARN);
      ((org.apache.logging.log4j.core.Logger) LogManager.getLogger(LOGGER)).addAppender(warnings);
      return warnings;
    }

    @Override
    public void append(LogEvent event) {
      String message = event.getMessage().getFormattedMessage();
      if (message.contains("very large size")) {
        messages.add(message);
      }
    }

    List<String> messages() {
      return List.copyOf(messages);
    }

    @Override
    public void close() {
      ((org.apache.logging.log4j.core.Logger) LogManager.getLogger(LOGGER)).removeAppender(this);
      Configurator.setLevel(LOGGER, previous);
      stop();
    }
  }

  /**
   * `make gaps` while gold's own gap check runs: two checks at once both record the same gaps, and the one whose
   * commit comes second used to fail on Iceberg's conflict check. Each round appends new trades with new gaps
   * and starts two checks together; every check must succeed and every gap be recorded once.
   */
  @Test
  void twoGapChecksAtOnceBothSucceedAndRecordEachGapOnce() throws Exception {
    TestLake.Lake lake = TestLake.lake("gaps_concurrent", Storage.LOCAL);
    int rounds = 4;
    for (int round = 0; round < rounds; round++) {
      List<Row> rows = new ArrayList<>();
      long base = round * 100L;
      add(rows, "BINANCE", "BTCUSDT", new long[] {base + 1, base + 2, base + 10});
      add(rows, "KRAKEN", "BTCUSD", new long[] {base + 1, base + 5});
      GoldRows.append(lake, rows);
      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
      List<java.util.concurrent.CompletableFuture<SequenceGaps.Result>> checks = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        checks.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            together.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
          return SequenceGaps.detect(TestLake.spark(), lake.config(), null, null);
        }, task -> new Thread(task, "gap-check").start()));
      }
      for (var check : checks) {
        check.join();
      }
    }
    // Per round: base+3..base+9 in BTCUSDT and base+2..base+4 in BTCUSD; from the second round on, one more in
    // each from the last round's last id to this round's first.
    long expected = rounds * 2L + (rounds - 1) * 2L;
    assertEquals(expected, Pipeline.count(lake, Tables.SEQUENCE_GAPS), "each gap recorded once");
    assertEquals(expected, TestLake.spark().table(lake.config().qualified(Tables.SEQUENCE_GAPS))
        .select("exchange", "symbol", "gap_start").distinct().count());
  }

  /**
   * An outage longer than the check's window is still seen (a CRITICAL gap from the last trade before it), a
   * partial fill updates the gap instead of adding overlapping rows, and a full fill closes it, keeping its row.
   */
  @Test
  void aLongOutageIsACriticalGapAndGapsCloseWhenFilled() throws Exception {
    TestLake.Lake lake = TestLake.lake("gaps_outage", Storage.LOCAL);
    Duration lookback = Duration.ofHours(1);
    GoldRows.append(lake, trades(1, 10, T0, Duration.ofSeconds(1)));
    SequenceGaps.detect(TestLake.spark(), lake.config(), T0.plusSeconds(10).minus(lookback), null);

    // Three hours without trades, then ids jump by 5,000; and a small gap a little later.
    Instant after = T0.plus(Duration.ofHours(3));
    List<Row> resumed = new ArrayList<>(trades(5_011, 5_021, after, Duration.ofSeconds(1)));
    resumed.add(GoldRows.trade("BINANCE", "BTCUSDT", 5_025, after.plusSeconds(30), "1", "1"));
    GoldRows.append(lake, resumed);
    SequenceGaps.Result outage = SequenceGaps.detect(TestLake.spark(), lake.config(), after.minus(lookback), null);
    assertEquals(List.of("BINANCE BTCUSDT 11..5010 5000 CRITICAL", "BINANCE BTCUSDT 5022..5024 3 LOW"),
        outage.found().stream().map(OhlcvAndGapsTest::describe).toList());
    assertEquals(2, outage.added());
    assertEquals(List.of("11..5010 missing 5000 open", "5022..5024 missing 3 open"), recorded(lake));

    // A replay brings ids 11..2000: the gap is smaller, still one row, still open.
    GoldRows.append(lake, trades(11, 2_000, T0.plusSeconds(10), Duration.ofMillis(1)));
    SequenceGaps.Result partial = SequenceGaps.detect(TestLake.spark(), lake.config(), after.minus(lookback), null);
    assertEquals(0, partial.added());
    assertEquals(0, partial.filled());
    assertEquals(List.of("11..5010 missing 3010 open", "5022..5024 missing 3 open"), recorded(lake));

    // The rest arrives: both gaps are closed, and their rows stay as history.
    List<Row> rest = new ArrayList<>(trades(2_001, 5_010, T0.plusSeconds(12), Duration.ofMillis(1)));
    rest.addAll(trades(5_022, 5_024, after.plusSeconds(20), Duration.ofSeconds(1)));
    GoldRows.append(lake, rest);
    SequenceGaps.Result filled = SequenceGaps.detect(TestLake.spark(), lake.config(), after.minus(lookback), null);
    assertEquals(2, filled.filled());
    assertEquals(List.of("11..5010 missing 0 filled", "5022..5024 missing 0 filled"), recorded(lake));
  }

  private static List<Row> trades(long firstId, long lastId, Instant start, Duration step) {
    List<Row> rows = new ArrayList<>();
    for (long id = firstId; id <= lastId; id++) {
      rows.add(GoldRows.trade("BINANCE", "BTCUSDT", id, start.plus(step.multipliedBy(id - firstId)), "1", "1"));
    }
    return rows;
  }

  private static List<String> recorded(TestLake.Lake lake) {
    return TestLake.spark().table(lake.config().qualified(Tables.SEQUENCE_GAPS)).orderBy("gap_start").collectAsList()
        .stream().map(g -> g.getAs("gap_start") + ".." + g.getAs("gap_end") + " missing " + g.getAs("missing_ids")
            + (g.getAs("filled_at") == null ? " open" : " filled")).toList();
  }

  private static void add(List<Row> rows, String exchange, String symbol, long[] ids) {
    for (long id : ids) {
      rows.add(GoldRows.trade(exchange, symbol, id, T0.plusMillis(id), "1", "1"));
    }
  }

  private static String describe(Row gap) {
    return gap.getAs("exchange") + " " + gap.getAs("symbol") + " " + gap.getAs("gap_start") + ".."
        + gap.getAs("gap_end") + " " + gap.getAs("gap_size") + " " + gap.getAs("severity");
  }

  private static void assertBar(Row bar, String symbol, Instant minute, String open, String high, String low,
      String close, String volume, String quoteVolume, long count, String vwap) {
    assertEquals(symbol, bar.getAs("symbol"));
    assertEquals(minute, ((Timestamp) bar.getAs("minute")).toInstant());
    assertEquals(new BigDecimal(open).setScale(18), bar.getAs("open"), symbol + " open");
    assertEquals(new BigDecimal(high).setScale(18), bar.getAs("high"), symbol + " high");
    assertEquals(new BigDecimal(low).setScale(18), bar.getAs("low"), symbol + " low");
    assertEquals(new BigDecimal(close).setScale(18), bar.getAs("close"), symbol + " close");
    assertEquals(new BigDecimal(volume).setScale(18), bar.getAs("volume"), symbol + " volume");
    assertEquals(0, new BigDecimal(quoteVolume).compareTo(bar.getAs("quote_volume")), symbol + " quote volume");
    assertEquals(count, (Long) bar.getAs("trade_count"));
    // VWAP is computed in double precision: equal to the hand value to 12 significant digits.
    assertEquals(new BigDecimal(vwap).doubleValue(), ((BigDecimal) bar.getAs("vwap")).doubleValue(),
        new BigDecimal(vwap).doubleValue() * 1e-12, symbol + " vwap");
  }
}
