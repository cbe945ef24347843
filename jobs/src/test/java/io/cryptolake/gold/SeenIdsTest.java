package io.cryptolake.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The per-symbol state's ranges against a plain map of every id to its trade time, over generated ids. */
class SeenIdsTest {
  private static final long[] EDGES =
      {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE};

  /**
   * Ids in order with gaps, out of order, repeated, at the ends of the long range; trade times in any order;
   * forgetting at a moving watermark. After every step the ranges hold exactly the reference's ids, one range per
   * run of consecutive ids, and survive their encoding.
   */
  @Test
  void theRangesHoldExactlyTheIdsAddedAndNotForgotten() {
    Random random = new Random(40);
    int forgotten = 0;
    int merges = 0;
    for (int stream = 0; stream < 300; stream++) {
      SeenIds ids = SeenIds.none();
      TreeMap<Long, Long> reference = new TreeMap<>();
      long base = random.nextInt(4) == 0 ? EDGES[random.nextInt(EDGES.length)] : random.nextLong();
      long watermark = 0;
      for (int step = 0; step < 400; step++) {
        long id = switch (random.nextInt(4)) {
          case 0 -> base + step;
          case 1 -> base + random.nextInt(600) - 100;
          case 2 -> base + step + random.nextInt(5);
          default -> EDGES[random.nextInt(EDGES.length)];
        };
        long time = random.nextInt(10_000) + step * 10L;
        String where = "stream " + stream + ", step " + step + ", id " + id;
        assertEquals(reference.containsKey(id), ids.contains(id), where);
        if (!reference.containsKey(id)) {
          int before = ids.ranges();
          ids.add(id, time);
          reference.put(id, time);
          merges += ids.ranges() < before ? 1 : 0;
        }
        if (random.nextInt(50) == 0) {
          watermark += random.nextInt(2_000);
          int size = reference.size();
          forget(reference, watermark);
          forgotten += size - reference.size();
          ids.forgetOlderThan(watermark);
        }
        if (random.nextInt(20) == 0) {
          ids = SeenIds.decode(ids.encoded());
        }
        assertEquals(runs(reference).size(), ids.ranges(), where);
        for (int probe = 0; probe < 5; probe++) {
          long p = random.nextBoolean() ? id + random.nextInt(7) - 3 : base + random.nextInt(700) - 150;
          assertEquals(reference.containsKey(p), ids.contains(p), where + ", probe " + p);
        }
      }
      for (long id : reference.keySet()) {
        assertTrue(ids.contains(id));
      }
    }
    assertTrue(forgotten > 10_000, "ids forgotten: " + forgotten);
    assertTrue(merges > 1_000, "two ranges joined by an id between them: " + merges);
  }

  /** Consecutive ids are one range of 24 bytes, however many. */
  @Test
  void consecutiveIdsAreOneRange() {
    SeenIds ids = SeenIds.none();
    for (long id = 1_000_000; id < 2_000_000; id++) {
      ids.add(id, id);
    }
    assertEquals(1, ids.ranges());
    assertEquals(24, ids.encoded().length);
    ids.forgetOlderThan(1_999_999);
    assertEquals(1, ids.ranges(), "a range stays while its newest trade time is within the watermark");
    ids.forgetOlderThan(2_000_000);
    assertTrue(ids.isEmpty());
  }

  /** The reference's runs of consecutive ids, first id to the newest trade time among the run's ids. */
  private static TreeMap<Long, long[]> runs(TreeMap<Long, Long> reference) {
    TreeMap<Long, long[]> runs = new TreeMap<>();
    long[] current = null;
    for (Map.Entry<Long, Long> e : reference.entrySet()) {
      if (current != null && current[1] != Long.MAX_VALUE && current[1] + 1 == e.getKey()) {
        current[1] = e.getKey();
        current[2] = Math.max(current[2], e.getValue());
      } else {
        current = new long[] {e.getKey(), e.getKey(), e.getValue()};
        runs.put(e.getKey(), current);
      }
    }
    return runs;
  }

  /** Removes the runs whose newest trade time is older than the watermark. */
  private static void forget(TreeMap<Long, Long> reference, long watermark) {
    for (long[] run : runs(reference).values()) {
      if (run[2] < watermark) {
        reference.subMap(run[0], true, run[1], true).clear();
      }
    }
  }
}
