package io.cryptolake.producers.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Two producer runs with different seeds never send the same trade id of a symbol (gold keeps both trades of a
 * reused id and reconcile fails, as the benchmark's runs found); the same seed sends the same ids again.
 */
class MarketTradeIdsTest {
  /** More trades of one symbol than any run here sends: a 10-minute window at 20,000/s over a few symbols. */
  private static final long TRADES_PER_RUN = 10_000_000;

  @Test
  void runsWithDifferentSeedsUseDisjointTradeIdsAndOneSeedRepeatsItsOwn() {
    TreeMap<Long, Long> firstIdOfSeed = new TreeMap<>();
    for (long seed = -500; seed < 1_500; seed++) {
      long first = firstId(seed);
      assertEquals(first, firstId(seed), "seed " + seed + " must send the same ids again");
      assertTrue(first > 0, "seed " + seed + ": " + first);
      Long previous = firstIdOfSeed.put(first, seed);
      assertEquals(null, previous, "seeds " + previous + " and " + seed + " start at the same id");
    }
    long end = Long.MIN_VALUE;
    for (var entry : firstIdOfSeed.entrySet()) {
      assertTrue(entry.getKey() >= end, "seed " + entry.getValue() + " starts inside another seed's ids");
      end = entry.getKey() + TRADES_PER_RUN;
    }
  }

  private static long firstId(long seed) {
    return new Market(new Random(seed), seed).next("BTCUSDT", "BTC", "USDT").tradeId();
  }
}
