package io.cryptolake.metrics;

/**
 * Every metric a job publishes (spec section 7), in one place. Spark's metrics system copies a plugin's
 * metrics when the plugin registers them, so the set is fixed: a job publishes all of them, and those that do
 * not apply to it stay at zero. The DLQ count by error type comes on top, one counter per type
 * ({@link JobMetrics#dlqCounterName}), and the latest batch's time per phase, one gauge per phase
 * ({@link JobMetrics#phaseGaugeName}).
 */
public enum LakeMetric {
  RECORDS_IN(Kind.COUNTER, "rows read by the job's streaming queries"),
  RECORDS_OUT(Kind.COUNTER, "rows the job committed: bronze rows; silver plus DLQ rows; new and late gold rows"),
  RECORDS_VALID(Kind.COUNTER, "silver: rows that passed every rule"),
  RECORDS_INVALID(Kind.COUNTER, "silver: rows sent to the DLQ"),
  DLQ_RATE(Kind.GAUGE, "silver: DLQ rows / rows in, of the latest batch that had rows"),
  DUPLICATES_REMOVED(Kind.COUNTER, "gold: rows dropped as duplicates of a key already seen"),
  LATE_ROWS(Kind.COUNTER, "gold: rows later than the de-duplication watermark"),
  OFFSETS_BEHIND_LATEST(Kind.GAUGE, "bronze: Kafka offsets not read yet, summed over partitions"),
  QUERIES_WITH_DATA(Kind.GAUGE, "streaming queries with a batch of data running or waiting; 0 when the job has read "
      + "everything its sources had at their latest trigger"),
  LAG_SECONDS(Kind.GAUGE, "end of the latest batch minus the newest record time in it (0 when caught up)"),
  BATCH_DURATION_MS(Kind.GAUGE, "duration of the latest micro-batch, the slowest of the job's queries"),
  TRIGGER_INTERVAL_MS(Kind.GAUGE, "the configured trigger interval"),
  EMPTY_BATCHES(Kind.COUNTER, "micro-batches that read no rows (Spark runs them for timeouts and watermarks)"),
  ICEBERG_COMMITS(Kind.COUNTER, "Iceberg commits by the job"),
  ICEBERG_COMMIT_DURATION_MS(Kind.GAUGE, "duration of the latest Iceberg commit, retries included"),
  ICEBERG_FILES_WRITTEN(Kind.COUNTER, "data files added by the job's commits"),
  ICEBERG_BYTES_WRITTEN(Kind.COUNTER, "bytes of the data files added by the job's commits"),
  ICEBERG_FILES_SCANNED(Kind.COUNTER, "data files the job's batch scans of Iceberg tables planned to read"),
  SEQUENCE_GAPS(Kind.GAUGE, "gold: sequence gaps found by the latest gap check"),
  STATE_ROWS(Kind.GAUGE, "gold: keys held in the de-duplication state, summed over the job's stateful queries"),
  STATE_MEMORY_BYTES(Kind.GAUGE, "gold: memory the streaming state uses, summed over the job's stateful queries"),
  STATE_ROWS_BOUND(Kind.GAUGE, "gold: the configured bound on state rows (--state-rows-bound); alert above it"),
  BAR_CORRECTIONS(Kind.COUNTER, "gold: bars written for a minute when the symbol had a bar for a later one"),
  BAR_OVERFLOWS(Kind.COUNTER, "gold: bar writes with a NULL column because its value overflows decimal(38,18)");

  /** Counters only go up; gauges hold the latest value. */
  public enum Kind {
    COUNTER, GAUGE
  }

  private final Kind kind;
  private final String help;

  LakeMetric(Kind kind, String help) {
    this.kind = kind;
    this.help = help;
  }

  public Kind kind() {
    return kind;
  }

  public String help() {
    return help;
  }

  /** The name in Spark's registry; Prometheus sees it as {@code cryptolake_<name>} (monitoring/prometheus.yml). */
  public String metricName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
