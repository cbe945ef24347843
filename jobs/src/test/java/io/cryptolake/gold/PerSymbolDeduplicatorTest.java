package io.cryptolake.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.TestGroupState;
import org.junit.jupiter.api.Test;

/**
 * Gold's per-symbol de-duplication over generated streams of one symbol, batch by batch through Spark's own test
 * state ({@link TestGroupState}): in order, with gaps, out of order, duplicates in the same and in later batches,
 * rows behind the watermark. A batch's watermark is the newest trade time before it minus the delay.
 */
class PerSymbolDeduplicatorTest {
  private static final long CLOCK = 1_800_000_000_000L;
  private static final long DELAY = 60_000;
  private static final ExpiryChecks CHECKS = new ExpiryChecks(DELAY, DELAY / 5, 10_000);

  /**
   * Each trade id is NEW at most once, and NEW or LATE at most once in a batch (its late rows are one MERGE); a
   * DUPLICATE is always an id that was NEW before it or written earlier in its batch, an on-time row of an id
   * already NEW is always a DUPLICATE, and a row of an id never NEW is NEW when on time and LATE behind the
   * watermark: nothing written twice, nothing dropped.
   */
  @Test
  void everyRowGetsTheDispositionItsIdAndTradeTimeCallFor() {
    Random random = new Random(40);
    Map<Disposition, Integer> seen = new HashMap<>();
    for (int stream = 0; stream < 200; stream++) {
      Map<Long, Long> tradeTimes = new HashMap<>();
      Set<Long> appended = new HashSet<>();
      Optional<byte[]> state = Optional.empty();
      long newest = 0;
      long nextId = random.nextLong(1L << 40);
      long time = CLOCK;
      for (int batch = 0; batch < 30; batch++) {
        long watermark = newest == 0 ? 0 : newest - DELAY;
        List<Row> rows = new ArrayList<>();
        int count = random.nextInt(200);
        for (int i = 0; i < count; i++) {
          long id;
          int kind = random.nextInt(10);
          if (kind < 6 || tradeTimes.isEmpty()) {
            id = nextId;
            nextId += random.nextInt(20) == 0 ? 2 + random.nextInt(5) : 1;
            time += random.nextInt(500);
          } else if (kind < 9) {
            id = nextId - 1 - random.nextInt((int) Math.min(5_000, tradeTimes.size()));
          } else {
            id = nextId + 10 + random.nextInt(100);
          }
          // A trade sent again keeps its trade time; a late one is far behind.
          long onTime = time - random.nextInt(3_000);
          long tradeTime = tradeTimes.computeIfAbsent(id, k -> random.nextInt(30) == 0 ? CLOCK - 10 * DELAY : onTime);
          rows.add(RowFactory.create(new Timestamp(tradeTime), id));
        }
        TestGroupState<byte[]> group = TestGroupState.create(state, GroupStateTimeout.ProcessingTimeTimeout(),
            time + 20_000, Optional.of(watermark), false);
        Set<Long> writtenThisBatch = new HashSet<>();
        Iterator<Row> out = new PerSymbolDeduplicator(CHECKS, 0, 1).call(RowFactory.create("binance", "BTCUSDT", null),
            rows.iterator(), group);
        while (out.hasNext()) {
          Row row = out.next();
          long id = row.getLong(1);
          long tradeTime = row.getTimestamp(0).getTime();
          Disposition disposition = Disposition.valueOf(row.getString(2));
          String where = "stream " + stream + ", batch " + batch + ", id " + id + ": " + disposition;
          seen.merge(disposition, 1, Integer::sum);
          if (disposition != Disposition.DUPLICATE) {
            // A batch's late rows go to gold through one MERGE, which inserts every source row gold lacks.
            assertTrue(writtenThisBatch.add(id), "written twice in one batch, " + where);
          }
          switch (disposition) {
            case NEW -> {
              assertTrue(appended.add(id), "written twice, " + where);
              assertTrue(tradeTime >= watermark, where);
            }
            case DUPLICATE -> assertTrue(appended.contains(id) || writtenThisBatch.contains(id), "dropped, " + where);
            case LATE -> {
              assertTrue(tradeTime < watermark, where);
              assertFalse(appended.contains(id) && tradeTime >= watermark, where);
            }
          }
          if (tradeTime >= watermark && appended.contains(id)) {
            assertTrue(disposition != Disposition.LATE, where);
          }
          newest = Math.max(newest, tradeTime);
        }
        state = group.exists() ? Optional.of(group.get()) : Optional.empty();
        if (group.exists()) {
          assertTrue(SeenIds.decode(group.get()).firstToLeave() >= watermark,
              "nothing the watermark has passed is kept");
        }
      }
    }
    for (Disposition disposition : Disposition.values()) {
      assertTrue(seen.getOrDefault(disposition, 0) > 2_000, "generated " + seen);
    }
  }

  /** A symbol whose every range the watermark has passed leaves the state at its check, without data. */
  @Test
  void aSymbolTheWatermarkHasPassedLeavesAtItsCheck() {
    SeenIds ids = SeenIds.none();
    ids.add(7, CLOCK - 2 * DELAY);
    TestGroupState<byte[]> group = TestGroupState.create(Optional.of(ids.encoded()),
        GroupStateTimeout.ProcessingTimeTimeout(), CLOCK, Optional.of(CLOCK - DELAY), true);
    assertFalse(new PerSymbolDeduplicator(CHECKS, 0, 1).call(RowFactory.create("binance", "BTCUSDT", null),
        List.<Row>of().iterator(), group).hasNext());
    assertFalse(group.exists());
  }

  /** Consecutive trades are one range: the symbol's entry stays 24 bytes whatever the batch. */
  @Test
  void aBatchOfConsecutiveTradesKeepsOneRange() {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      rows.add(RowFactory.create(new Timestamp(CLOCK + i), 1_000L + i));
    }
    TestGroupState<byte[]> group = TestGroupState.create(Optional.empty(), GroupStateTimeout.ProcessingTimeTimeout(),
        CLOCK + 60_000, Optional.of(CLOCK - DELAY), false);
    new PerSymbolDeduplicator(CHECKS, 0, 1).call(RowFactory.create("binance", "BTCUSDT", null), rows.iterator(), group)
        .forEachRemaining(row -> assertEquals("NEW", row.getString(2)));
    assertEquals(24, group.get().length);
  }
}
