package io.cryptolake.proof.bench;

import io.cryptolake.gold.GoldLatency;
import io.cryptolake.proof.bench.PipelineBench.RateResult;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/** What a benchmark run measured, as Markdown for docs/benchmarks.md, each figure beside its goal. */
final class BenchReport {
  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MINUTE_SECOND = DateTimeFormatter.ofPattern("HH:mm:ss")
      .withZone(ZoneOffset.UTC);
  private final long trades;
  private final Duration window;
  private final Map<String, IngestBench.Rate> ingest = new LinkedHashMap<>();
  private final List<Deployment> deployments = new ArrayList<>();
  private String producer = "";

  /**
   * One run of the pipeline as five applications or one: each job's first batch after a cold start, each rate
   * held, each application's peak heap, and reconcile's verdict on everything the run was sent. {@code run}: its
   * number when the deployment ran more than once, else 0.
   */
  record Deployment(boolean oneApplication, int run, Map<String, Duration> firstBatch,
      List<RateResult> rates, List<PipelineBench.Memory> memory, String reconcile) {
    String kind() {
      return oneApplication ? "one application" : "five applications";
    }

    String name() {
      return run == 0 ? kind() : kind() + ", run " + run;
    }

    boolean reconciled() {
      return reconcile.startsWith("exit 0");
    }

    Optional<Double> slowestFirstBatchSeconds() {
      return firstBatch.values().stream().max(Duration::compareTo).map(t -> t.toMillis() / 1000.0);
    }
  }

  BenchReport(long trades, Duration window) {
    this.trades = trades;
    this.window = window;
  }

  void producer(long sent, Duration took) {
    producer = String.format("Loaded %,d Binance trades with the synthetic producer in %.1f s (%,.0f/s).", sent,
        took.toMillis() / 1000.0, sent * 1000.0 / took.toMillis());
  }

  /** An ingest figure under its key: kafka, bronze, connect, silver, naive or gold. */
  void add(String key, IngestBench.Rate rate) {
    ingest.put(key, rate);
  }

  void add(Deployment deployment) {
    deployments.add(deployment);
  }

  String markdown() {
    StringBuilder md = new StringBuilder();
    md.append(String.format("Machine: %d cores, Java %s. %s%n%n", Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"), producer));
    if (!ingest.isEmpty()) {
      ingest(md);
    }
    if (!deployments.isEmpty()) {
      sideBySide(md);
      deployments.forEach(d -> deployment(md, d));
    }
    return md.toString();
  }

  /** Kafka's consumer, bronze, Connect, silver and the naive silver on the same trades, with their phases. */
  private void ingest(StringBuilder md) {
    md.append(String.format("### Ingest: %,d trades on one 3-partition topic, local[2] Spark in one JVM%n%n", trades));
    md.append("Rows/s while working: rows over the time of the non-empty batches (Spark), or between the first "
        + "and last commit (Connect); wall includes start-up.\n\n");
    md.append("| stage | rows | rows/s while working | wall (s) | task CPU (s) |\n|---|---|---|---|---|\n");
    for (IngestBench.Rate r : ingest.values()) {
      md.append(String.format("| %s | %,d | %,.0f | %.1f | %s |%n", r.what(), r.rows(), r.rowsPerSecond(),
          r.wall().toMillis() / 1000.0, Double.isNaN(r.taskCpuSeconds()) ? "" : String.format("%.1f",
              r.taskCpuSeconds())));
    }
    ratio(md, "bronze / Kafka consumer", "bronze", "kafka");
    ratio(md, "bronze / Kafka Connect Iceberg sink (goal 1.5)", "bronze", "connect");
    ratio(md, "silver / naive silver (target 0.5)", "silver", "naive");
    md.append('\n');
    phases(md);
  }

  /**
   * The deployments' headline figures against the targets: a column per run, and where a deployment ran
   * more than once, a column of the median of its runs (and how many of them kept up and reconciled).
   */
  private void sideBySide(StringBuilder md) {
    List<List<Deployment>> columns = new ArrayList<>();
    deployments.forEach(d -> columns.add(List.of(d)));
    Map<String, List<Deployment>> byKind = new LinkedHashMap<>();
    deployments.forEach(d -> byKind.computeIfAbsent(d.kind(), k -> new ArrayList<>()).add(d));
    byKind.values().stream().filter(runs -> runs.size() > 1).forEach(columns::add);
    md.append(String.format("%n### Whole pipeline on the local cluster, each rate held %d s%n%n| |%s%n|---|%s%n",
        window.toSeconds(), columns.stream().map(c -> " " + title(c) + " |").reduce("", String::concat),
        "---|".repeat(columns.size())));
    row(md, columns, "first batch after a cold start, slowest job (target 20 s)",
        runs -> median(runs, d -> d.slowestFirstBatchSeconds()).map(s -> String.format("%.1f s", s)).orElse("-"));
    Set<Double> asked = new TreeSet<>();
    deployments.forEach(d -> d.rates().forEach(r -> asked.add(r.rate())));
    for (double rate : asked) {
      row(md, columns, String.format("%,.0f/s: kept up (jobs that did not)", rate), runs -> keptUp(runs, rate));
      row(md, columns, String.format("%,.0f/s: trade time to gold p50 / p95 / p99", rate),
          runs -> percentiles(runs, rate, RateResult::latency));
      row(md, columns, String.format("%,.0f/s: the same, the window's second half", rate),
          runs -> percentiles(runs, rate, RateResult::secondHalf));
      row(md, columns, String.format("%,.0f/s: cores used by the jobs' JVMs / the whole machine", rate), runs -> {
        Optional<Double> jobs = median(runs, d -> at(d, rate).map(BenchReport::jobCores));
        Optional<Double> machine = median(runs, d -> at(d, rate).map(r -> r.cores().getOrDefault(ProcessCpu.MACHINE,
            0.0)));
        return jobs.isEmpty() ? "-" : String.format("%.2f / %.2f", jobs.get(), machine.get());
      });
    }
    row(md, columns, "largest peak heap (every JVM -Xmx1g)", runs -> runs.stream().flatMap(d -> d.memory().stream())
        .mapToLong(m -> Math.max(m.driverPeakMib(), m.executorPeakMib())).max().stream()
        .mapToObj(mib -> mib + " MiB").findFirst().orElse("-"));
    row(md, columns, "reconcile --manifest after the rates", runs -> runs.size() == 1
        ? runs.get(0).reconcile().lines().findFirst().orElse("")
        : String.format("PASS in %d of %d runs", runs.stream().filter(Deployment::reconciled).count(), runs.size()));
  }

  private static String title(List<Deployment> column) {
    return column.size() == 1 ? column.get(0).name()
        : String.format("%s, median of %d runs", column.get(0).kind(), column.size());
  }

  private static String keptUp(List<Deployment> runs, double rate) {
    List<RateResult> held = runs.stream().flatMap(d -> at(d, rate).stream()).toList();
    if (held.isEmpty()) {
      return "not run";
    }
    if (runs.size() > 1) {
      return String.format("%d of %d runs", held.stream().filter(RateResult::sustained).count(), runs.size());
    }
    RateResult r = held.get(0);
    return r.sustained() ? "yes" : "no (" + String.join(", ", r.jobs().entrySet().stream()
        .filter(e -> !e.getValue().keptUp()).map(Map.Entry::getKey).toList())
        + (r.drain() == null ? "; not drained in 20 min" : "") + ")";
  }

  private static String percentiles(List<Deployment> runs, double rate,
      Function<RateResult, GoldLatency.Percentiles> which) {
    Optional<Double> p50 = median(runs, d -> at(d, rate).map(r -> which.apply(r).p50()));
    Optional<Double> p95 = median(runs, d -> at(d, rate).map(r -> which.apply(r).p95()));
    Optional<Double> p99 = median(runs, d -> at(d, rate).map(r -> which.apply(r).p99()));
    return p50.isEmpty() ? "-" : String.format("%.1f / %.1f / %.1f s", p50.get(), p95.get(), p99.get());
  }

  /** The median of a figure over the runs that have it (the mean of the middle two for an even count). */
  private static Optional<Double> median(List<Deployment> runs, Function<Deployment, Optional<Double>> figure) {
    List<Double> values = runs.stream().flatMap(d -> figure.apply(d).stream()).sorted().toList();
    if (values.isEmpty()) {
      return Optional.empty();
    }
    int middle = values.size() / 2;
    return Optional.of(values.size() % 2 == 1 ? values.get(middle) : (values.get(middle - 1) + values.get(middle)) / 2);
  }

  private static void row(StringBuilder md, List<List<Deployment>> columns, String what,
      Function<List<Deployment>, String> value) {
    md.append("| ").append(what).append(" |");
    columns.forEach(runs -> md.append(' ').append(value.apply(runs)).append(" |"));
    md.append('\n');
  }

  private static Optional<RateResult> at(Deployment d, double rate) {
    return d.rates().stream().filter(r -> r.rate() == rate).findFirst();
  }

  private static double jobCores(RateResult r) {
    return r.cores().entrySet().stream().filter(e -> e.getKey().startsWith("driver ")
        || e.getKey().startsWith("executor ")).mapToDouble(Map.Entry::getValue).sum();
  }

  /** One deployment in full: first batches, then per rate each job's backlog, batches and phases, and CPU. */
  private void deployment(StringBuilder md, Deployment d) {
    md.append(String.format("%n#### %s%n%nFirst batch after a cold start (submit to first finished batch): %s%n",
        d.name(), String.join(", ", d.firstBatch().entrySet().stream()
            .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue().toMillis() / 1000.0)).toList())));
    for (RateResult r : d.rates()) {
      md.append(String.format("%n**%,.0f trades/s asked, %,.0f/s sent**: %s; drained %s after the window; trade "
          + "time to gold p50 / p95 / p99 %.1f / %.1f / %.1f s (%,d trades; the window's second half %.1f / %.1f / "
          + "%.1f s).%n%n", r.rate(), r.achievedRate(),
          r.sustained() ? "kept up" : "not kept up", r.drain() == null ? "not within 20 min"
              : r.drain().toSeconds() + " s", r.latency().p50(), r.latency().p95(), r.latency().p99(),
          r.latency().rows(), r.secondHalf().p50(), r.secondHalf().p95(), r.secondHalf().p99()));
      latencyBands(md, r);
      latencyByMinute(md, r);
      // Gold's 30 s bars are usually further over their trigger than its trades are over theirs.
      md.append("A job with several queries shows the batches of the one furthest over its own trigger (gold: its "
          + "bars, mostly); the table of median batches further down has each query's own.\n\n");
      md.append("| job | rows behind its source: at the start, then after each minute | one trigger's worth "
          + "| kept up | batch ms p50 / p90 | empty batches |\n|---|---|---|---|---|---|\n");
      r.jobs().forEach((job, j) -> md.append(String.format("| %s | %s | %,d | %s | %,.0f / %,.0f | %.0f |%n", job,
          String.join(" → ", j.behindEachMinute().stream().map(n -> String.format("%,d", n)).toList()),
          j.oneTrigger(), j.keptUp() ? "yes" : "no", j.p50BatchMs(), j.p90BatchMs(), j.emptyBatches())));
      md.append(String.format("%nWhere the batches' time went (median ms of the latest batch, sampled every 5 s; "
          + "`cryptolake_batch_phase_ms`; icebergCommit: its latest Iceberg commit, part of addBatch):%n%n"
          + "| job | %s |%n|---|%s%n", String.join(" | ", PipelineBench.PHASES), "---|".repeat(PipelineBench.PHASES.size())));
      r.jobs().forEach((job, j) -> md.append(String.format("| %s | %s |%n", job, String.join(" | ",
          PipelineBench.PHASES.stream().map(phase -> String.format("%,.0f", j.p50PhaseMs().getOrDefault(phase, 0.0)))
              .toList()))));
      md.append("\nCores each process used in the window (CPU time over the window; the machine has "
          + Runtime.getRuntime().availableProcessors() + "):\n\n| process | cores |\n|---|---|\n");
      r.cores().entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
          .forEach(e -> md.append(String.format("| %s | %.2f |%n", e.getKey(), e.getValue())));
      taskTime(md, r);
      batchStages(md, r);
    }
    md.append("\nPeak JVM heap per application (Spark's peakMemoryMetrics.JVMHeapMemory; each JVM has -Xmx1g): ");
    md.append(String.join(", ", d.memory().stream().map(m -> String.format("%s driver %d MiB, executor %d MiB",
        m.app(), m.driverPeakMib(), m.executorPeakMib())).toList()));
    md.append(String.format(".%n%nReconcile with the manifest of every trade sent to this deployment: %s%n",
        d.reconcile()));
  }

  /** Where the window's trades spent their time to gold, the median's apart from the tail's. */
  private static void latencyBands(StringBuilder md, RateResult r) {
    if (r.bands().isEmpty()) {
      return;
    }
    md.append("Where a trade's time to gold went, by band of it (mean seconds per hop, from each trade's own times: "
        + "the producer's send, the bronze batch that wrote it, the silver batch that validated it, gold's commit):"
        + "\n\n| band | trades | trade to send | waiting for bronze's batch | bronze's batch to silver's "
        + "| silver's batch to gold's commit | total |\n|---|---|---|---|---|---|---|\n");
    r.bands().forEach(b -> md.append(String.format("| %s | %,d | %.1f | %.1f | %.1f | %.1f | %.1f |%n", b.name(),
        b.rows(), b.toSend(), b.toBronzeBatch(), b.bronzeToSilverBatch(), b.silverBatchToGold(), b.total())));
    md.append('\n');
  }

  /** Each minute's trade time to gold, and the minutes in which gold's gap check finished. */
  private static void latencyByMinute(StringBuilder md, RateResult r) {
    if (r.minutes().isEmpty()) {
      return;
    }
    md.append("Trade time to gold per minute of trade time (UTC), and gold's gap checks that finished in the minute:"
        + "\n\n| minute | trades | p50 s | p99 s | max s | gap check finished |\n|---|---|---|---|---|---|\n");
    for (GoldLatency.Minute m : r.minutes()) {
      Instant end = m.start().plus(Duration.ofMinutes(1));
      String checks = String.join(", ", r.gapChecks().stream().filter(t -> !t.isBefore(m.start()) && t.isBefore(end))
          .map(MINUTE_SECOND::format).toList());
      md.append(String.format("| %s | %,d | %.1f | %.1f | %.1f | %s |%n", MINUTE.format(m.start()),
          m.latency().rows(), m.latency().p50(), m.latency().p99(), m.latency().max(), checks));
    }
    md.append('\n');
  }

  /** Which query's tasks held each application's executors in the window. */
  private static void taskTime(StringBuilder md, RateResult r) {
    if (r.taskTime().isEmpty()) {
      return;
    }
    md.append(String.format("%nExecutor task time per query in the window (Spark's completed stages; seconds of "
        + "task time, of it on CPU and in garbage collection; per second of the window):%n%n| application | query "
        + "| stages | task s | CPU s | GC s | task s per s |%n|---|---|---|---|---|---|---|%n"));
    double windowSeconds = r.window().toMillis() / 1000.0;
    r.taskTime().forEach((app, queries) -> queries.entrySet().stream()
        .sorted(Map.Entry.comparingByValue(Comparator.comparingDouble(QueryTaskTime.Time::runSeconds).reversed()))
        .forEach(e -> md.append(String.format("| %s | %s | %d | %.1f | %.1f | %.1f | %.2f |%n", app, e.getKey(),
            e.getValue().stages(), e.getValue().runSeconds(), e.getValue().cpuSeconds(), e.getValue().gcSeconds(),
            e.getValue().runSeconds() / windowSeconds))));
  }

  /** Of a query's batch, what its Spark stages took, and so what its driver did around them. */
  private static void batchStages(StringBuilder md, RateResult r) {
    if (r.batchStages().isEmpty()) {
      return;
    }
    md.append(String.format("%nThe median batch with Spark work, per query (its completed stages summed; each "
        + "figure's median on its own). A batch's duration less its stages is its driver's work around them: "
        + "planning, Iceberg's reads and commits, the checkpoint's files:%n%n| application | query | batches | "
        + "stages | in stages ms | of it before the first task ms | task ms | task CPU ms |%n"
        + "|---|---|---|---|---|---|---|---|%n"));
    r.batchStages().forEach((app, queries) -> new TreeMap<>(queries).forEach((query, b) -> md.append(String.format(
        "| %s | %s | %d | %.0f | %,.0f | %,.0f | %,.0f | %,.0f |%n", app, query, b.batches(), b.stages(),
        b.inStagesMs(), b.beforeFirstTaskMs(), b.taskMs(), b.taskCpuMs()))));
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
