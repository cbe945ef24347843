package io.cryptolake.silver;

import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What one silver micro-batch did: rows in, valid, and invalid by error_reason and error_type. */
public record SilverBatchStats(String job, long batchId, long valid, Map<String, Long> invalidByReason,
    Map<String, Long> invalidByType) {

  public long invalid() {
    return invalidByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public long rowsIn() {
    return valid + invalid();
  }

  /** Adds the batch to the job's metrics. */
  public void publish() {
    JobMetrics.add(LakeMetric.RECORDS_VALID, valid);
    JobMetrics.add(LakeMetric.RECORDS_INVALID, invalid());
    JobMetrics.add(LakeMetric.RECORDS_OUT, rowsIn());
    invalidByType.forEach(JobMetrics::addDlq);
    if (rowsIn() > 0) {
      JobMetrics.set(LakeMetric.DLQ_RATE, (double) invalid() / rowsIn());
    }
  }

  /** One log line a person or a log pipeline can read. */
  public String logLine() {
    return String.format("%s batch %d: %d rows in, %d valid, %d to the DLQ %s", job, batchId, rowsIn(), valid,
        invalid(), new TreeMap<>(invalidByType).entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", "{", "}")));
  }
}
