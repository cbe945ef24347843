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
 * <p>A key is first checked when the watermark can first have passed it: the watermark is the newest trade time
 * minus the delay, and silver admits no trade time more than a few seconds past its Kafka timestamp, so no key
 * can leave before its trade time plus the delay, by the clock. A check before then would only write the key's
 * state entry again (checks every fifth of the delay wrote it five times). A key already that old (a backlog,
 * a replay) is checked every {@code checkEveryMs}.
 */
final class Deduplicator implements FlatMapGroupsWithStateFunction<String, Row, Long, Row> {
  private final long watermarkDelayMs;
  private final long checkEveryMs;
  private final int timestampIndex;

  Deduplicator(long watermarkDelayMs, long checkEveryMs, int timestampIndex) {
    this.watermarkDelayMs = watermarkDelayMs;
    this.checkEveryMs = checkEveryMs;
    this.timestampIndex = timestampIndex;
  }

  @Override
  public Iterator<Row> call(String key, Iterator<Row> rows, GroupState<Long> state) {
    if (state.hasTimedOut()) {
      if (state.get() < state.getCurrentWatermarkMs()) {
        state.remove();
      } else {
        checkAgainLater(state);
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
      checkAgainLater(state);
    }
    return out.iterator();
  }

  /**
   * The next check: when the key's trade time plus the delay is reached by the batch clock (never more than the
   * delay away), or {@code checkEveryMs} from now if that is sooner or already past.
   */
  private void checkAgainLater(GroupState<Long> state) {
    long untilItCanLeave = state.get() + watermarkDelayMs - state.getCurrentProcessingTimeMs();
    state.setTimeoutDuration(Math.max(checkEveryMs, Math.min(untilItCanLeave, watermarkDelayMs)));
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
