package io.cryptolake.gold;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.GroupState;

/**
 * Streaming de-duplication on (exchange, symbol, trade_id) that never drops a row unnoticed. The state of a
 * key is its trade time, kept until the event-time watermark has passed it, so state is bounded by the
 * watermark delay; a key already older than the watermark (LATE) never enters it. Every row leaves with a
 * {@link Disposition}: NEW and LATE rows go to gold, DUPLICATE rows are counted. Unlike Spark's own
 * de-duplication, rows older than the watermark are not dropped: they come out as LATE.
 *
 * <p>Expiry runs on processing-time timeouts that check the watermark, because an event-time timeout
 * would make Spark filter late rows out before this function sees them. Every call that leaves a key in
 * state sets its timeout again: Spark clears it on each call.
 *
 * <p>A key is first checked when the watermark will have passed it. The watermark is the newest trade time minus
 * the delay and, while gold keeps up, trade time advances with the clock some seconds behind it; so the watermark
 * reaches a key's trade time t about {@code t - watermark} after the batch that brought it (that batch's watermark
 * already carries the lag), plus a margin for the watermark being a batch behind ({@code firstCheckMarginMs}, a
 * trigger interval). Every check writes the key's state entry again, and Spark reads every entry of the state in
 * every batch to find the timed-out ones, so a check that comes too soon costs twice: checking at the trade time
 * plus the delay by the clock missed by the lag in every batch, and kept each key a further {@code checkEveryMs}.
 * A key whose trade time is already more than the delay behind the clock (a backlog, a replay: trade time then
 * runs faster than the clock) is checked every {@code checkEveryMs}, and so is a key a check found still ahead of
 * the watermark.
 */
final class Deduplicator implements FlatMapGroupsWithStateFunction<String, Row, Long, Row> {
  private final long watermarkDelayMs;
  private final long checkEveryMs;
  private final long firstCheckMarginMs;
  private final int timestampIndex;

  Deduplicator(long watermarkDelayMs, long checkEveryMs, long firstCheckMarginMs, int timestampIndex) {
    this.watermarkDelayMs = watermarkDelayMs;
    this.checkEveryMs = checkEveryMs;
    this.firstCheckMarginMs = firstCheckMarginMs;
    this.timestampIndex = timestampIndex;
  }

  @Override
  public Iterator<Row> call(String key, Iterator<Row> rows, GroupState<Long> state) {
    if (state.hasTimedOut()) {
      if (state.get() < state.getCurrentWatermarkMs()) {
        state.remove();
      } else {
        state.setTimeoutDuration(checkEveryMs);
      }
      return List.<Row>of().iterator();
    }
    long watermark = state.getCurrentWatermarkMs();
    List<Row> out = new ArrayList<>();
    boolean seen = state.exists();
    while (rows.hasNext()) {
      Row row = rows.next();
      Disposition disposition;
      if (seen) {
        disposition = Disposition.DUPLICATE;
      } else {
        long tradeTime = ((Timestamp) row.get(timestampIndex)).getTime();
        disposition = tradeTime < watermark ? Disposition.LATE : Disposition.NEW;
        // A late key stays out of the state: the late rows' MERGE checks gold itself, and state kept for a key
        // the watermark has passed would wait for the next batch with data to leave (gold runs no empty ones).
        if (disposition == Disposition.NEW) {
          state.update(tradeTime);
        }
        seen = true;
      }
      out.add(withDisposition(row, disposition));
    }
    // Spark clears a group's timeout on every call: a key that keeps its state must set it again, or it is
    // never visited and never leaves the state (a duplicate in a later batch did exactly that).
    if (state.exists()) {
      checkWhenTheWatermarkCanHavePassed(state);
    }
    return out.iterator();
  }

  /**
   * The next check of a key a batch brought: when the watermark, moving with the clock, will have passed its trade
   * time, or {@code checkEveryMs} from now if that is sooner or the key's trade time is already more than the delay
   * behind the clock. A query's first batch has no watermark yet (0): its keys are checked the delay and a
   * {@code checkEveryMs} later.
   */
  private void checkWhenTheWatermarkCanHavePassed(GroupState<Long> state) {
    long tradeTime = state.get();
    if (tradeTime + watermarkDelayMs <= state.getCurrentProcessingTimeMs()) {
      state.setTimeoutDuration(checkEveryMs);
      return;
    }
    long watermark = state.getCurrentWatermarkMs();
    long untilTheWatermarkPasses = watermark <= 0 ? watermarkDelayMs + checkEveryMs
        : tradeTime - watermark + firstCheckMarginMs;
    state.setTimeoutDuration(Math.max(checkEveryMs, untilTheWatermarkPasses));
  }

  private static Row withDisposition(Row row, Disposition disposition) {
    Object[] values = new Object[row.length() + 1];
    for (int i = 0; i < row.length(); i++) {
      values[i] = row.get(i);
    }
    values[row.length()] = disposition.name();
    return RowFactory.create(values);
  }
}
