package io.cryptolake.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.DefaultSettableGauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import io.cryptolake.schemas.DlqReason;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The metrics of the job running in this JVM (the driver). The jobs update them as batches complete;
 * {@link LakeMetricsPlugin} hands them to Spark's metrics system, whose sinks publish them (the Prometheus
 * servlet on the driver's UI port). Without the plugin they are still kept, just not published.
 */
public final class JobMetrics {
  private static final Map<LakeMetric, Metric> METRICS = new EnumMap<>(LakeMetric.class);
  private static final Map<String, Counter> DLQ_BY_TYPE = new LinkedHashMap<>();
  private static final Map<String, DefaultSettableGauge<Double>> PHASE_MS = new LinkedHashMap<>();

  static {
    for (LakeMetric m : LakeMetric.values()) {
      METRICS.put(m, m.kind() == LakeMetric.Kind.COUNTER ? new Counter() : new DefaultSettableGauge<>(0.0));
    }
    METRICS.put(LakeMetric.QUERIES_WITH_DATA, new QueriesWithData());
    for (DlqReason.ErrorType type : DlqReason.ErrorType.values()) {
      DLQ_BY_TYPE.put(type.value(), new Counter());
    }
    for (String phase : BatchPhases.NAMES) {
      PHASE_MS.put(phase, new DefaultSettableGauge<>(0.0));
    }
  }

  private JobMetrics() {}

  public static void add(LakeMetric metric, long n) {
    ((Counter) METRICS.get(metric)).inc(n);
  }

  @SuppressWarnings("unchecked")
  public static void set(LakeMetric metric, double value) {
    ((DefaultSettableGauge<Double>) METRICS.get(metric)).setValue(value);
  }

  /** The current value of a counter or gauge (tests and the embedded run's summary read it). */
  @SuppressWarnings("unchecked")
  public static double value(LakeMetric metric) {
    Metric m = METRICS.get(metric);
    return m instanceof Counter c ? c.getCount() : ((DefaultSettableGauge<Double>) m).getValue();
  }

  public static void addDlq(String errorType, long n) {
    Counter counter = DLQ_BY_TYPE.get(errorType);
    if (counter == null) {
      throw new IllegalArgumentException("unknown error_type " + errorType);
    }
    counter.inc(n);
  }

  /** Milliseconds the latest batch spent in one phase ({@link BatchPhases}). */
  static void setPhase(String phase, double ms) {
    PHASE_MS.get(phase).setValue(ms);
  }

  /** The registry name of the gauge of one batch phase. */
  public static String phaseGaugeName(String phase) {
    return "batch_phase_ms_" + phase;
  }

  /** The registry name of the DLQ counter of one error type. */
  public static String dlqCounterName(String errorType) {
    return "dlq_rows_" + errorType;
  }

  /** Puts every metric into a registry Spark publishes. */
  static void registerInto(MetricRegistry registry) {
    METRICS.forEach((m, metric) -> registry.register(m.metricName(), metric));
    DLQ_BY_TYPE.forEach((type, counter) -> registry.register(dlqCounterName(type), counter));
    PHASE_MS.forEach((phase, gauge) -> registry.register(phaseGaugeName(phase), gauge));
  }
}
