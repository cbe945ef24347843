package io.cryptolake.gold;

import java.sql.Timestamp;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupState;

/**
 * De-duplication with one state entry per (exchange, symbol): the trade ids gold has appended, as ranges of
 * consecutive ids ({@link SeenIds}), kept until the watermark has passed every trade time in a range. A row whose id
 * the entry holds, or that came LATE earlier in the batch, is a DUPLICATE; one it does not hold is LATE when the
 * watermark has passed its trade time (gold itself is checked) and NEW otherwise, and a NEW id joins the ranges. An
 * exchange numbers a symbol's trades consecutively, so a batch reads and writes one entry per symbol, whatever its
 * rows, and the state is one entry per symbol plus a range per gap within the watermark, where the per-key layout
 * held every key of the last 5 minutes and Spark read all of them in every batch (docs/benchmarks.md, round 40).
 *
 * <p>The id is the row's source_sequence, from which silver makes trade_id (the exchange's code, '-', the id), so the
 * two keys are the same. A row without a source_sequence has an entry of its own, keyed by its trade_id as well, id 0.
 */
final class PerSymbolDeduplicator implements FlatMapGroupsWithStateFunction<Row, Row, byte[], Row> {
  private final ExpiryChecks checks;
  private final int timestampIndex;
  private final int sequenceIndex;

  PerSymbolDeduplicator(ExpiryChecks checks, int timestampIndex, int sequenceIndex) {
    this.checks = checks;
    this.timestampIndex = timestampIndex;
    this.sequenceIndex = sequenceIndex;
  }

  @Override
  public Iterator<Row> call(Row key, Iterator<Row> rows, GroupState<byte[]> state) {
    SeenIds seen = state.exists() ? SeenIds.decode(state.get()) : SeenIds.none();
    if (state.hasTimedOut()) {
      keep(seen, state);
      return List.<Row>of().iterator();
    }
    long watermark = state.getCurrentWatermarkMs();
    // Row by row as Spark consumes them (a symbol's batch can be every row of the batch), the entry written after
    // the last: Spark saves the state once the function's iterator is done.
    return new Iterator<>() {
      private boolean kept;
      /** This batch's late ids (ranges too: a replay's are runs): their copies in the batch are duplicates. */
      private final SeenIds late = SeenIds.none();

      @Override
      public boolean hasNext() {
        if (rows.hasNext()) {
          return true;
        }
        if (!kept) {
          kept = true;
          keep(seen, state);
        }
        return false;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Row row = rows.next();
        long id = row.isNullAt(sequenceIndex) ? 0 : row.getLong(sequenceIndex);
        Disposition disposition;
        if (seen.contains(id) || late.contains(id)) {
          disposition = Disposition.DUPLICATE;
        } else {
          long tradeTime = ((Timestamp) row.get(timestampIndex)).getTime();
          disposition = tradeTime < watermark ? Disposition.LATE : Disposition.NEW;
          // A late id stays out of the state: the late rows' MERGE checks gold itself.
          if (disposition == Disposition.NEW) {
            seen.add(id, tradeTime);
          } else {
            // The batch's late rows go to gold through one MERGE, which inserts every row gold lacks.
            late.add(id, tradeTime);
          }
        }
        return disposition.appendedTo(row);
      }
    };
  }

  /** Forgets the ranges the watermark has passed; keeps the rest, to be checked when it can pass the oldest. */
  private void keep(SeenIds seen, GroupState<byte[]> state) {
    seen.forgetOlderThan(state.getCurrentWatermarkMs());
    if (seen.isEmpty()) {
      if (state.exists()) {
        state.remove();
      }
      return;
    }
    state.update(seen.encoded());
    checks.schedule(state, seen.firstToLeave());
  }
}
