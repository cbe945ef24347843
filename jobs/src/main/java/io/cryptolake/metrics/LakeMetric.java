package io.cryptolake.metrics;

/**
 * Every metric a job publishes (spec section 7), in one place. Spark's metrics system copies a plugin's
 * metrics when the plugin registers them, so the set is fixed: a job publishes all of them, and those that do
 * not apply to it stay at zero. The DLQ count by error type comes on top, one counter per type
 * ({@link JobMetrics#dlqCounterName}), and the latest batch's time per phase, one gauge per phase
 * ({@link JobMetrics#phaseGaugeName}). What each one means is in docs/operations.md, the one description
 * (MonitoringConfigTest checks it lists every metric).
 */
public enum LakeMetric {
  RECORDS_IN(Kind.COUNTER),
  RECORDS_OUT(Kind.COUNTER),
  RECORDS_VALID(Kind.COUNTER),
  RECORDS_INVALID(Kind.COUNTER),
  DLQ_RATE(Kind.GAUGE),
  DUPLICATES_REMOVED(Kind.COUNTER),
  LATE_ROWS(Kind.COUNTER),
  OFFSETS_BEHIND_LATEST(Kind.GAUGE),
  OFFSETS_LOST(Kind.COUNTER),
  QUERIES_WITH_DATA(Kind.GAUGE),
  LAG_SECONDS(Kind.GAUGE),
  BATCH_DURATION_MS(Kind.GAUGE),
  TRIGGER_INTERVAL_MS(Kind.GAUGE),
  EMPTY_BATCHES(Kind.COUNTER),
  IDLE_TRIGGERS(Kind.COUNTER),
  ICEBERG_COMMITS(Kind.COUNTER),
  ICEBERG_COMMIT_DURATION_MS(Kind.GAUGE),
  ICEBERG_FILES_WRITTEN(Kind.COUNTER),
  ICEBERG_BYTES_WRITTEN(Kind.COUNTER),
  ICEBERG_FILES_SCANNED(Kind.COUNTER),
  SEQUENCE_GAPS(Kind.GAUGE),
  STATE_ROWS(Kind.GAUGE),
  STATE_MEMORY_BYTES(Kind.GAUGE),
  STATE_ROWS_BOUND(Kind.GAUGE),
  BAR_CORRECTIONS(Kind.COUNTER),
  BAR_OVERFLOWS(Kind.COUNTER);

  /** Counters only go up; gauges hold the latest value. */
  public enum Kind {
    COUNTER, GAUGE
  }

  private final Kind kind;

  LakeMetric(Kind kind) {
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /** The name in Spark's registry; Prometheus sees it as {@code cryptolake_<name>} (monitoring/prometheus.yml). */
  public String metricName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
