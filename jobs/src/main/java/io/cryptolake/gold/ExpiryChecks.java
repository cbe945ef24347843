package io.cryptolake.gold;

import java.io.Serializable;
import org.apache.spark.sql.streaming.GroupState;

/**
 * When gold's de-duplication state checks an entry again, on a processing-time timeout: when the watermark can have
 * passed the entry's trade time. The watermark is the newest trade time minus the delay and, while gold keeps up,
 * trade time advances with the clock some seconds behind it; so the watermark reaches a trade time t about
 * {@code t - watermark} after the batch that brought it (that batch's watermark already carries the lag), plus a
 * margin for the watermark being a batch behind ({@code firstCheckMarginMs}, a trigger interval). Every check writes
 * the entry again, and Spark reads every entry of the state in every batch to find the timed-out ones, so a check
 * that comes too soon costs twice (round 39 of docs/benchmarks.md). An entry whose trade time is already more than the
 * delay behind the clock (a backlog, a replay: trade time then runs faster than the clock) is checked every
 * {@code checkEveryMs}, and so is one a check found still ahead of the watermark. Spark clears an entry's timeout on
 * every call: an entry that stays must be given one again, or it is never visited and never leaves.
 */
record ExpiryChecks(long watermarkDelayMs, long checkEveryMs, long firstCheckMarginMs) implements Serializable {

  /** The next check of an entry whose oldest trade time still kept is {@code tradeTime}. */
  void schedule(GroupState<?> state, long tradeTime) {
    if (tradeTime + watermarkDelayMs <= state.getCurrentProcessingTimeMs()) {
      state.setTimeoutDuration(checkEveryMs);
      return;
    }
    long watermark = state.getCurrentWatermarkMs();
    // A query's first batch has no watermark yet (0): the delay and a checkEveryMs later.
    long untilTheWatermarkPasses = watermark <= 0 ? watermarkDelayMs + checkEveryMs
        : tradeTime - watermark + firstCheckMarginMs;
    state.setTimeoutDuration(Math.max(checkEveryMs, untilTheWatermarkPasses));
  }

  /** An entry a check found still ahead of the watermark. */
  void again(GroupState<?> state) {
    state.setTimeoutDuration(checkEveryMs);
  }
}
