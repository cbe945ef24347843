package io.cryptolake.gold;

/** What one gold micro-batch did. {@code lateInserted} of the {@code late} rows were not in gold yet. */
public record GoldBatchStats(long batchId, long rowsIn, long appended, long duplicatesRemoved, long late,
    long lateInserted) {

  public String logLine() {
    return String.format("gold batch %d: %d rows in, %d appended, %d duplicates removed, %d late "
        + "(%d written through, %d already in gold)", batchId, rowsIn, appended, duplicatesRemoved, late,
        lateInserted, late - lateInserted);
  }
}
