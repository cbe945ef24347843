package io.cryptolake.gold;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupState;

/**
 * De-duplication with one state entry per key, "exchange|symbol|trade_id", holding its trade time: the layout of
 * gold checkpoints started before {@link PerSymbolDeduplicator}, which go on with it ({@link DeduplicationLayout}).
 * The state holds every key until the watermark has passed it, so it grows with the rate (1.5 million keys at
 * 5,000 trades/s and the default 5-minute watermark) and Spark reads all of it in every batch. A key already older
 * than the watermark (LATE) never enters it.
 */
final class PerKeyDeduplicator implements FlatMapGroupsWithStateFunction<String, Row, Long, Row> {
  private final ExpiryChecks checks;
  private final int timestampIndex;

  PerKeyDeduplicator(ExpiryChecks checks, int timestampIndex) {
    this.checks = checks;
    this.timestampIndex = timestampIndex;
  }

  @Override
  public Iterator<Row> call(String key, Iterator<Row> rows, GroupState<Long> state) {
    if (state.hasTimedOut()) {
      if (state.get() < state.getCurrentWatermarkMs()) {
        state.remove();
      } else {
        checks.again(state);
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
      out.add(disposition.appendedTo(row));
    }
    if (state.exists()) {
      checks.schedule(state, state.get());
    }
    return out.iterator();
  }
}
