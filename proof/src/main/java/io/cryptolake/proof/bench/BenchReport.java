package io.cryptolake.proof.bench;

import io.cryptolake.metrics.BatchPhases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a benchmark run measured, as Markdown for docs/benchmarks.md, each figure beside its goal. */
final class BenchReport {
  private final long trades;
  private final Duration window;
  private final Map<String, IngestBench.Rate> ingest = new LinkedHashMap<>();
  private final List<PipelineBench.RateResult> rates = new ArrayList<>();
  private Map<String, Duration> firstBatch = new LinkedHashMap<>();
  private List<PipelineBench.Memory> memory = List.of();
  private boolean oneApplication;
  private String producer = "";

  BenchReport(long trades, Duration window) {
    this.trades = trades;
    this.window = window;
  }

  void producer(long sent, Duration took) {
    producer = String.format("Loaded %,d Binance trades with the synthetic producer in %.1f s (%,.0f/s).", sent,
        took.toMillis() / 1000.0, sent * 1000.0 / took.toMillis());
  }

  /** An ingest figure under its key: kafka, bronze, connect, silver or naive. */
  void add(String key, IngestBench.Rate rate) {
    ingest.put(key, rate);
  }

  void add(PipelineBench.RateResult rate) {
    rates.add(rate);
  }

  void firstBatch(Map<String, Duration> times) {
    firstBatch = times;
  }

  /** The pipeline ran as one application (spark-submit/pipeline.sh) rather than five. */
  void oneApplication() {
    oneApplication = true;
  }

  void memory(List<PipelineBench.Memory> peaks) {
    memory = peaks;
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append(String.format("Machine: %d cores, Java %s. %s%n%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), producer));
    md.append(String.format("### Ingest: %,d trades on one 3-partition topic, local[2] Spark in one JVM%n%n", trades));
    md.append("Rows/s while working: rows over the time of the non-empty batches (Spark), or between the first "
        + "and last commit (Connect); wall includes start-up.\n\n");
    md.append("| stage | rows | rows/s while working | wall (s) |\n|---|---|---|---|\n");
    for (IngestBench.Rate r : ingest.values()) {
      md.append(String.format("| %s | %,d | %,.0f | %.1f |%n", r.what(), r.rows(), r.rowsPerSecond(),
          r.wall().toMillis() / 1000.0));
    }
    ratio(md, "bronze / Kafka consumer", "bronze", "kafka");
    ratio(md, "bronze / Kafka Connect Iceberg sink (goal 1.5)", "bronze", "connect");
    ratio(md, "silver / naive silver", "silver", "naive");
    md.append('\n');
    phases(md);
    md.append(String.format("%n### Whole pipeline: %s on the local cluster, each rate held %d s%n%n",
        oneApplication ? "the five jobs as one application" : "five jobs", window.toSeconds()));
    md.append("First batch after a cold start (submit to first finished batch; goal 15 s):\n\n");
    firstBatch.forEach((job, t) -> md.append(String.format("- %s: %.1f s%n", job, t.toMillis() / 1000.0)));
    md.append("\n| rate asked | rate sent | kept up | p90 batch ms per job | max bronze offsets behind | "
        + "drained after (s) | trade time to gold p50 / p95 / p99 (s) |\n|---|---|---|---|---|---|---|\n");
    for (PipelineBench.RateResult r : rates) {
      md.append(String.format("| %,.0f | %,.0f | %s | %s | %,.0f | %s | %s |%n", r.rate(), r.achievedRate(),
          r.sustained() ? "yes" : "no", r.p90BatchMs(), r.maxBronzeBehind(),
          r.drain() == null ? "not in 20 min" : String.valueOf(r.drain().toSeconds()), r.latency() == null ? "-"
              : String.format("%.1f / %.1f / %.1f", r.latency().p50(), r.latency().p95(), r.latency().p99())));
    }
    breakdown(md);
    md.append("\nPeak JVM heap per application (Spark's peakMemoryMetrics.JVMHeapMemory; each JVM has -Xmx1g):\n\n");
    for (PipelineBench.Memory m : memory) {
      md.append(String.format("- %s: driver %d MiB, executor %d MiB%n", m.app(), m.driverPeakMib(), m.executorPeakMib()));
    }
    return md.toString();
  }

  /** Per rate and job: the empty batches of the window and the median of each phase of the sampled batches. */
  private void breakdown(StringBuilder md) {
    for (PipelineBench.RateResult r : rates) {
      md.append(String.format("%nWhere the batches' time went at %,.0f/s (median ms of the latest batch, sampled every "
          + "5 s; `cryptolake_batch_phase_ms`):%n%n| job | empty batches | %s |%n|---|---|%s%n", r.rate(),
          String.join(" | ", BatchPhases.NAMES), "---|".repeat(BatchPhases.NAMES.size())));
      r.breakdown().forEach((job, b) -> md.append(String.format("| %s | %.0f | %s |%n", job, b.emptyBatches(),
          String.join(" | ", BatchPhases.NAMES.stream()
              .map(phase -> String.format("%,.0f", b.p50PhaseMs().getOrDefault(phase, 0.0))).toList()))));
    }
  }

  /** Where each Spark stream's batches spent their time, so the next optimisation starts from numbers. */
  private void phases(StringBuilder md) {
    List<IngestBench.Rate> streams = ingest.values().stream().filter(r -> r.phases().batches() > 0).toList();
    if (streams.isEmpty()) {
      return;
    }
    md.append("\nMean ms per non-empty batch, by phase of Spark's query progress:\n\n| stage | batches | phases |\n"
        + "|---|---|---|\n");
    for (IngestBench.Rate r : streams) {
      md.append(String.format("| %s | %d | %s |%n", r.what(), r.phases().batches(),
          String.join(", ", r.phases().meanMillis().entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
              .toList())));
    }
  }

  private void ratio(StringBuilder md, String what, String numerator, String denominator) {
    IngestBench.Rate top = ingest.get(numerator);
    IngestBench.Rate bottom = ingest.get(denominator);
    if (top != null && bottom != null && bottom.rowsPerSecond() > 0) {
      md.append(String.format("%n- %s: %.2f", what, top.rowsPerSecond() / bottom.rowsPerSecond()));
    }
  }
}
