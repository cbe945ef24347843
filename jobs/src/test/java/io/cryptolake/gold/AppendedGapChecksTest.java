package io.cryptolake.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.gaps.SequenceGaps;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.Tables;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Storage;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Gold's own gap check reads only the trades gold gained since its previous check. Generated histories: each
 * symbol's ids 1..N arrive in chunks, with ids never sent (gaps) and ids held back to a later chunk (late trades
 * filling a gap, partly or wholly); a check after every chunk. After each check the gap table must say exactly what
 * gold is missing: every missing id inside exactly one open gap whose missing_ids counts them, no gap overlapping
 * another, and every gap with nothing missing closed.
 */
class AppendedGapChecksTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:15:00Z");
  private static final List<String> SYMBOLS = List.of("BTCUSDT", "ETHUSDT");
  private static final int IDS = 400;
  private static final int CHUNKS = 4;

  @ParameterizedTest
  @ValueSource(longs = {1})
  void appendedOnlyChecksRecordExactlyWhatGoldIsMissing(long seed) throws Exception {
    checkAfterEveryChunk(TestLake.lake("gaps_appended_" + seed, Storage.LOCAL), seed,
        (lake, chunk) -> SequenceGaps.detectAppended(TestLake.spark(), lake.config(), T0.minusSeconds(3_600)));
  }

  /**
   * Checks that cannot know what gold gained (its earlier snapshots expired before each one), over a window of
   * trade time from the chunk's first natural id: the late trades of a chunk lie before the window, some of them
   * above the symbol's highest id seen before, so the gap from that id to the window's first trade is not all
   * missing and must be counted in gold.
   */
  @ParameterizedTest
  @ValueSource(longs = {1, 2})
  void windowChecksAfterExpiredSnapshotsRecordExactlyWhatGoldIsMissing(long seed) throws Exception {
    checkAfterEveryChunk(TestLake.lake("gaps_window_" + seed, Storage.LOCAL), seed, (lake, chunk) -> {
      Table gold = new LakeCatalog(TestLake.spark(), lake.config()).ensure(Tables.gold());
      gold.expireSnapshots().expireOlderThan(System.currentTimeMillis() + 1).retainLast(1).commit();
      SequenceGaps.detect(TestLake.spark(), lake.config(), time((long) chunk * IDS / CHUNKS + 1), null);
    });
  }

  private interface Check {
    void after(TestLake.Lake lake, int chunk) throws Exception;
  }

  private static Instant time(long id) {
    return T0.plusMillis(id * 10);
  }

  private static void checkAfterEveryChunk(TestLake.Lake lake, long seed, Check check) throws Exception {
    Random random = new Random(seed);
    List<List<Row>> chunks = new ArrayList<>();
    List<Map<String, List<Long>>> idsOfChunks = new ArrayList<>();
    for (int c = 0; c < CHUNKS; c++) {
      chunks.add(new ArrayList<>());
      idsOfChunks.add(new TreeMap<>());
    }
    for (String symbol : SYMBOLS) {
      for (long id = 1; id <= IDS; id++) {
        int natural = (int) ((id - 1) * CHUNKS / IDS);
        double fate = random.nextDouble();
        if (id > 1 && fate < 0.08) {
          continue; // never sent: stays missing
        }
        // Held back: arrives one or more chunks late (the first id never is, so no trade precedes a symbol's first).
        int chunk = id > 1 && fate < 0.20 ? Math.min(CHUNKS - 1, natural + 1 + random.nextInt(2)) : natural;
        chunks.get(chunk).add(GoldRows.trade("BINANCE", symbol, id, time(id), "1", "1"));
        idsOfChunks.get(chunk).computeIfAbsent(symbol, s -> new ArrayList<>()).add(id);
      }
    }
    Map<String, TreeSet<Long>> present = new TreeMap<>();
    for (int c = 0; c < CHUNKS; c++) {
      GoldRows.append(lake, chunks.get(c));
      idsOfChunks.get(c).forEach((symbol, ids) -> present.computeIfAbsent(symbol, s -> new TreeSet<>()).addAll(ids));
      check.after(lake, c);
      assertRecordsWhatGoldIsMissing(lake, present, "after chunk " + c);
    }
  }

  /** After a check, the gap table says exactly what gold is missing below each symbol's highest id. */
  private static void assertRecordsWhatGoldIsMissing(TestLake.Lake lake, Map<String, TreeSet<Long>> present,
      String when) {
    List<Row> recorded = TestLake.spark().table(lake.config().qualified(Tables.SEQUENCE_GAPS))
        .orderBy("symbol", "gap_start").collectAsList();
    for (String symbol : SYMBOLS) {
      TreeSet<Long> ids = present.get(symbol);
      List<Row> gaps = recorded.stream().filter(g -> symbol.equals(g.getAs("symbol"))).toList();
      long previousEnd = 0;
      TreeSet<Long> covered = new TreeSet<>();
      for (Row gap : gaps) {
        long start = gap.getAs("gap_start");
        long end = gap.getAs("gap_end");
        String which = when + ", " + symbol + " " + start + ".." + end;
        assertTrue(start > previousEnd, which + ": gaps do not overlap, " + start + " after " + previousEnd);
        previousEnd = end;
        long missing = 0;
        for (long id = start; id <= end; id++) {
          if (!ids.contains(id)) {
            missing++;
            covered.add(id);
          }
        }
        assertEquals(missing, (Long) gap.getAs("missing_ids"), which + " missing");
        assertEquals(missing == 0, gap.getAs("filled_at") != null, which + " closed");
      }
      TreeSet<Long> missing = new TreeSet<>();
      for (long id = ids.first(); id <= ids.last(); id++) {
        if (!ids.contains(id)) {
          missing.add(id);
        }
      }
      assertEquals(missing, covered, when + ", " + symbol + ": every missing id is in a recorded gap");
    }
  }

  /**
   * Trades ingested late, with trade times older than the first check's window: the checks after it look at what
   * gold gained, whatever its trade time, so their gaps are found (a check over a window of trade time never saw
   * them), and with gold's trades around them, so the gap up to the next trade gold has ends there, not at the
   * symbol's highest id.
   */
  @Test
  void tradesOlderThanTheWindowAreCheckedWhenTheyArrive() throws Exception {
    TestLake.Lake lake = TestLake.lake("gaps_appended_old", Storage.LOCAL);
    Instant window = T0.plusSeconds(3_600);
    List<Row> recent = new ArrayList<>();
    for (long id = 1_001; id <= 1_010; id++) {
      recent.add(GoldRows.trade("BINANCE", "BTCUSDT", id, window.plusSeconds(id - 1_000), "1", "1"));
    }
    GoldRows.append(lake, recent);
    assertEquals(0, SequenceGaps.detectAppended(TestLake.spark(), lake.config(), window).found().size());

    List<Row> old = new ArrayList<>();
    for (long id : new long[] {1, 2, 3, 7, 8}) {
      old.add(GoldRows.trade("BINANCE", "BTCUSDT", id, T0.plusSeconds(id), "1", "1"));
    }
    GoldRows.append(lake, old);
    SequenceGaps.Result result = SequenceGaps.detectAppended(TestLake.spark(), lake.config(), window);
    assertEquals(List.of("4..6", "9..1000"), result.found().stream()
        .map(g -> g.getAs("gap_start") + ".." + g.getAs("gap_end")).toList());
    List<String> recorded = TestLake.spark().table(lake.config().qualified(Tables.SEQUENCE_GAPS)).orderBy("gap_start")
        .collectAsList().stream().map(g -> g.getAs("gap_start") + ".." + g.getAs("gap_end") + " missing "
            + g.getAs("missing_ids")).toList();
    assertEquals(List.of("4..6 missing 3", "9..1000 missing 992"), recorded);
  }
}
