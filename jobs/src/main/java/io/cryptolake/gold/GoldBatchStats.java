package io.cryptolake.gold;

import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;

/** What one gold micro-batch did. {@code lateInserted} of the {@code late} rows were not in gold yet. */
public record GoldBatchStats(long batchId, long rowsIn, long appended, long duplicatesRemoved, long late,
    long lateInserted) {

  /** Adds the batch to the job's metrics. */
  public void publish() {
    JobMetrics.add(LakeMetric.RECORDS_OUT, appended + lateInserted);
    JobMetrics.add(LakeMetric.DUPLICATES_REMOVED, duplicatesRemoved);
    JobMetrics.add(LakeMetric.LATE_ROWS, late);
  }

  public String logLine() {
    return String.format("gold batch %d: %d rows in, %d appended, %d duplicates removed, %d late "
        + "(%d written through, %d already in gold)", batchId, rowsIn, appended, duplicatesRemoved, late,
        lateInserted, late - lateInserted);
  }
}
