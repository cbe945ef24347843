package io.cryptolake.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.TestGroupState;
import org.junit.jupiter.api.Test;

/**
 * When gold's per-key state checks a key again ({@link ExpiryChecks}, the per-symbol state's rule too), through
 * Spark's own test state ({@link TestGroupState}). Batches run every trigger at a clock, and a batch's watermark
 * is the newest trade time the batch before it saw minus the delay.
 */
class PerKeyDeduplicatorTest {
  private static final long CLOCK = 1_800_000_000_000L;

  /**
   * Generated steady lags: trade time running 0 to almost the delay behind the clock, every trigger from 1 to 16 s,
   * delays from 10 s to 15 min. A key's first check comes when the watermark has passed it, so it leaves there
   * (checked at its trade time plus the delay by the clock, it was still ahead of the watermark by the lag and
   * stayed a further fifth of the delay), and no later than a few triggers after.
   */
  @Test
  void aKeyBehindTheClockBySteadyLagLeavesAtItsFirstCheck() {
    Random random = new Random(39);
    long[] delays = {10_000, 60_000, 300_000, 900_000};
    for (int i = 0; i < 5_000; i++) {
      long delay = delays[random.nextInt(delays.length)];
      long trigger = 1_000 + random.nextInt(15_000);
      long lag = random.nextLong(Math.max(1, delay - 2 * trigger));
      long arrival = CLOCK + random.nextInt(1_000_000);
      long newestBefore = arrival - trigger - lag;
      long tradeTime = newestBefore + 1 + random.nextLong(trigger);
      TestGroupState<Long> state = newKey(delay, trigger, tradeTime, arrival, newestBefore - delay);

      long check = timeout(state);
      long checkBatch = arrival + ((check - arrival) / trigger + 1) * trigger;
      long watermarkThen = checkBatch - trigger - lag - delay;
      String generated = "delay " + delay + ", trigger " + trigger + ", lag " + lag + ", trade time "
          + (tradeTime - arrival) + " ms from the clock";
      assertTrue(watermarkThen > tradeTime, "the first check finds the key ahead of the watermark: " + generated);
      assertTrue(checkBatch - tradeTime <= delay + lag + 3 * trigger, "the key stays too long: " + generated);
    }
  }

  /** A key whose trade time is already more than the delay behind the clock (a backlog, a replay): every fifth. */
  @Test
  void aKeyFromABacklogIsCheckedEveryFifthOfTheDelay() {
    long delay = 300_000;
    long tradeTime = CLOCK - 2 * delay;
    TestGroupState<Long> state = newKey(delay, 10_000, tradeTime, CLOCK, tradeTime - 1_000);
    assertEquals(CLOCK + delay / 5, timeout(state));
  }

  /** A query's first batch has no watermark yet: its keys are checked the delay and a fifth later. */
  @Test
  void aKeyOfTheFirstBatchIsCheckedTheDelayAndAFifthLater() {
    long delay = 300_000;
    TestGroupState<Long> state = newKey(delay, 10_000, CLOCK - 5_000, CLOCK, 0);
    assertEquals(CLOCK + delay + delay / 5, timeout(state));
  }

  /** A check that finds the key still ahead of the watermark checks again a fifth of the delay later. */
  @Test
  void aKeyStillAheadOfTheWatermarkIsCheckedAgainAFifthOfTheDelayLater() {
    long delay = 300_000;
    TestGroupState<Long> state = TestGroupState.create(Optional.of(CLOCK - 1_000),
        GroupStateTimeout.ProcessingTimeTimeout(), CLOCK, Optional.of(CLOCK - 2_000), true);
    new PerKeyDeduplicator(new ExpiryChecks(delay, delay / 5, 10_000), 0).call("k", List.<Row>of().iterator(), state);
    assertEquals(CLOCK + delay / 5, timeout(state));
    assertTrue(state.exists());
  }

  private static long timeout(TestGroupState<Long> state) {
    return (Long) state.getTimeoutTimestampMs().get();
  }

  private static TestGroupState<Long> newKey(long delay, long trigger, long tradeTime, long clock, long watermark) {
    TestGroupState<Long> state = TestGroupState.create(Optional.empty(), GroupStateTimeout.ProcessingTimeTimeout(),
        clock, Optional.of(watermark), false);
    List<Row> out = new java.util.ArrayList<>();
    new PerKeyDeduplicator(new ExpiryChecks(delay, Math.max(1_000, delay / 5), Math.max(1_000, trigger)), 0)
        .call("k", List.of(RowFactory.create(new Timestamp(tradeTime))).iterator(), state).forEachRemaining(out::add);
    assertEquals("NEW", out.get(0).getString(1));
    return state;
  }
}
