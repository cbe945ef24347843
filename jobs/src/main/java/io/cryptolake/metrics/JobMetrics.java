package io.cryptolake.metrics;

import com.codahale.metrics.Counter;
import com.codahale.metrics.DefaultSettableGauge;
import com.codahale.metrics.Metric;
import com.codahale.metrics.MetricRegistry;
import io.cryptolake.schemas.DlqReason;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The metrics of the jobs running in this JVM (the driver). The jobs update them as batches complete;
 * {@link LakeMetricsPlugin} hands them to Spark's metrics system, whose sinks publish them (the Prometheus
 * servlet on the driver's UI port). Without the plugin they are still kept, just not published.
 *
 * <p>A JVM runs one job (its metrics under their plain names) or, in the one-application deployment, several
 * jobs declared before the session starts ({@link #declareJobs}), each with its own set, published as
 * {@code <job>.<name>}. An update goes to the set of the thread's job ({@link #asJob}), which a query's
 * stream thread inherits from the thread that started it; a thread without one updates the JVM's own set.
 */
public final class JobMetrics {
  private static final InheritableThreadLocal<String> CURRENT_JOB = new InheritableThreadLocal<>();
  private static final Map<String, MetricSet> JOBS = new ConcurrentHashMap<>();
  private static final MetricSet OWN = new MetricSet();
  private static volatile List<String> declared = List.of();

  /** One job's metrics. */
  private static final class MetricSet {
    private final Map<LakeMetric, Metric> metrics = new EnumMap<>(LakeMetric.class);
    private final Map<String, Counter> dlqByType = new LinkedHashMap<>();
    private final Map<String, DefaultSettableGauge<Double>> phaseMs = new LinkedHashMap<>();

    MetricSet(String job) {
      for (LakeMetric m : LakeMetric.values()) {
        metrics.put(m, m.kind() == LakeMetric.Kind.COUNTER ? new Counter() : new DefaultSettableGauge<>(0.0));
      }
      metrics.put(LakeMetric.QUERIES_WITH_DATA, new QueriesWithData(job));
      for (DlqReason.ErrorType type : DlqReason.ErrorType.values()) {
        dlqByType.put(type.value(), new Counter());
      }
      for (String phase : BatchPhases.NAMES) {
        phaseMs.put(phase, new DefaultSettableGauge<>(0.0));
      }
    }

    MetricSet() {
      this(null);
    }

    void registerInto(MetricRegistry registry, String prefix) {
      metrics.forEach((m, metric) -> registry.register(prefix + m.metricName(), metric));
      dlqByType.forEach((type, counter) -> registry.register(prefix + dlqCounterName(type), counter));
      phaseMs.forEach((phase, gauge) -> registry.register(prefix + phaseGaugeName(phase), gauge));
    }
  }

  private JobMetrics() {}

  /**
   * The jobs this JVM runs together, each with its own metrics: called before the Spark session starts (the
   * plugin registers what is declared then).
   */
  public static void declareJobs(List<String> jobs) {
    jobs.forEach(job -> JOBS.computeIfAbsent(job, MetricSet::new));
    declared = List.copyOf(jobs);
  }

  /** Runs {@code work} as {@code job}: its updates, and those of the threads it starts, go to that job's set. */
  public static <T> T asJob(String job, Supplier<T> work) {
    String before = CURRENT_JOB.get();
    CURRENT_JOB.set(job);
    try {
      return work.get();
    } finally {
      CURRENT_JOB.set(before);
    }
  }

  /**
   * The declared job a query belongs to (its name is the job's, or the job's followed by "-", as gold's
   * gold-ohlcv-1m); null when none is: the JVM's own.
   */
  static String jobOfQuery(String queryName) {
    return queryName == null ? null : declared.stream()
        .filter(job -> queryName.equals(job) || queryName.startsWith(job + "-"))
        .max(Comparator.comparingInt(String::length)).orElse(null);
  }

  public static void add(LakeMetric metric, long n) {
    add(current(), metric, n);
  }

  public static void set(LakeMetric metric, double value) {
    set(current(), metric, value);
  }

  /** The current value of a counter or gauge of the JVM's own set (tests and the embedded run read it). */
  public static double value(LakeMetric metric) {
    return value(OWN, metric);
  }

  /** The current value of a counter or gauge of one declared job. */
  public static double value(String job, LakeMetric metric) {
    return value(JOBS.getOrDefault(job, OWN), metric);
  }

  public static void addDlq(String errorType, long n) {
    Counter counter = current().dlqByType.get(errorType);
    if (counter == null) {
      throw new IllegalArgumentException("unknown error_type " + errorType);
    }
    counter.inc(n);
  }

  /** The registry name of the gauge of one batch phase. */
  public static String phaseGaugeName(String phase) {
    return "batch_phase_ms_" + phase;
  }

  /** The registry name of the DLQ counter of one error type. */
  public static String dlqCounterName(String errorType) {
    return "dlq_rows_" + errorType;
  }

  /** Updates from Spark's listener thread, which has no job: to the set of {@code job} (null: the JVM's own). */
  static void setFor(String job, LakeMetric metric, double value) {
    set(setOf(job), metric, value);
  }

  static void addFor(String job, LakeMetric metric, long n) {
    add(setOf(job), metric, n);
  }

  /** Milliseconds the latest batch of {@code job} spent in one phase ({@link BatchPhases}). */
  static void setPhase(String job, String phase, double ms) {
    setOf(job).phaseMs.get(phase).setValue(ms);
  }

  /** The jobs whose metrics are published: the declared ones, or the JVM's own (as null). */
  static List<String> publishedJobs() {
    return declared.isEmpty() ? Collections.singletonList(null) : declared;
  }

  /** Puts every published metric into a registry Spark publishes. */
  static void registerInto(MetricRegistry registry) {
    if (declared.isEmpty()) {
      OWN.registerInto(registry, "");
    } else {
      declared.forEach(job -> JOBS.get(job).registerInto(registry, job + "."));
    }
  }

  private static MetricSet current() {
    return setOf(CURRENT_JOB.get());
  }

  private static MetricSet setOf(String job) {
    return job == null ? OWN : JOBS.getOrDefault(job, OWN);
  }

  private static void add(MetricSet set, LakeMetric metric, long n) {
    ((Counter) set.metrics.get(metric)).inc(n);
  }

  @SuppressWarnings("unchecked")
  private static void set(MetricSet set, LakeMetric metric, double value) {
    ((DefaultSettableGauge<Double>) set.metrics.get(metric)).setValue(value);
  }

  @SuppressWarnings("unchecked")
  private static double value(MetricSet set, LakeMetric metric) {
    Metric m = set.metrics.get(metric);
    return m instanceof Counter c ? c.getCount() : ((DefaultSettableGauge<Double>) m).getValue();
  }
}
