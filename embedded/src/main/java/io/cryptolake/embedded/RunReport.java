package io.cryptolake.embedded;

import io.cryptolake.gaps.SequenceGaps;
import io.cryptolake.gold.GoldLatency;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.reconcile.Reconciliation;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import io.cryptolake.streaming.StreamConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.SparkSession;

/** What the embedded run found in each table, against what Kafka holds; printed as the run's summary. */
public record RunReport(Manifest manifest, Map<Exchange, Long> kafkaRecords, Map<Exchange, Long> bronzeRows,
    Map<Exchange, Long> silverRows, long goldRows, long duplicatesRemoved, long bars, SequenceGaps.Result gaps,
    Map<String, Long> gapsBySeverity, Reconciliation.Result reconcile, GoldLatency.Percentiles latency,
    GoldLatency.Percentiles tradeTimeLatency) {

  public static RunReport collect(SparkSession spark, LakeConfig lake, Manifest manifest,
      ToLongFunction<Exchange> kafkaCount, long duplicatesRemoved, SequenceGaps.Result gaps) {
    Map<Exchange, Long> kafka = new LinkedHashMap<>();
    Map<Exchange, Long> bronze = new LinkedHashMap<>();
    Map<Exchange, Long> silver = new LinkedHashMap<>();
    for (Exchange exchange : Exchange.values()) {
      kafka.put(exchange, kafkaCount.applyAsLong(exchange));
      bronze.put(exchange, spark.table(lake.qualified(Tables.bronzeName(exchange))).count());
      silver.put(exchange, spark.table(lake.qualified(Tables.silverName(exchange))).count());
    }
    Reconciliation.Result reconcile = Reconciliation.run(spark, lake, List.of(Exchange.values()), null, null);
    long goldRows = spark.table(lake.qualified(Tables.GOLD)).count();
    long bars = spark.table(lake.qualified(Tables.OHLCV_1M)).count();
    Map<String, Long> bySeverity = new TreeMap<>();
    gaps.found().forEach(g -> bySeverity.merge(g.getAs("severity"), 1L, Long::sum));
    return new RunReport(manifest, kafka, bronze, silver, goldRows, duplicatesRemoved, bars, gaps, bySeverity,
        reconcile, GoldLatency.fromSendTime(spark, lake), GoldLatency.fromTradeTime(spark, lake));
  }

  /** Every Kafka record is in bronze exactly as many times as Kafka holds it. */
  public boolean bronzeComplete() {
    return kafkaRecords.equals(bronzeRows);
  }

  /** The DLQ holds, reason by reason, exactly the faults the producer injected. */
  public boolean dlqMatchesManifest() {
    return reconcile.dlqByReason().equals(manifest.expectedDlqReasons());
  }

  public boolean ok() {
    return bronzeComplete() && reconcile.ok() && dlqMatchesManifest();
  }

  void print(PrintStream out, Path dataDir, LakeConfig lake, StreamConfig stream) {
    out.println();
    out.println("== Produced (manifest: " + dataDir.resolve("manifest.json") + ")");
    manifest.exchanges().forEach((exchange, c) -> out.printf(
        "  %-8s sent %,7d  valid %,7d (duplicates %,d, out of order %,d)  faulty %,d%n",
        exchange, c.sent(), c.valid(), c.duplicates(), c.outOfOrder(), c.expectedDlqTotal()));
    out.println();
    out.println("== Tables");
    out.printf("  %-46s %10s %14s  %s%n", "table", "rows", "kafka records", "check");
    for (Exchange exchange : Exchange.values()) {
      long rows = bronzeRows.get(exchange);
      long records = kafkaRecords.get(exchange);
      out.printf("  %-46s %,10d %,14d  %s%n", lake.qualified(Tables.bronzeName(exchange)), rows, records,
          rows == records ? "OK: every offset once" : "MISMATCH");
    }
    for (Exchange exchange : Exchange.values()) {
      long expected = manifest.exchanges().get(exchange.id()).valid();
      long rows = silverRows.get(exchange);
      out.printf("  %-46s %,10d %14s  %s%n", lake.qualified(Tables.silverName(exchange)), rows, "",
          rows == expected ? "OK: every valid trade" : "MISMATCH: the producer sent " + expected + " valid");
    }
    long dlqRows = reconcile.dlqByReason().values().stream().mapToLong(Long::longValue).sum();
    out.printf("  %-46s %,10d%n", lake.qualified(Tables.DLQ), dlqRows);
    out.printf("  %-46s %,10d %14s  %s%n", lake.qualified(Tables.GOLD), goldRows, "",
        reconcile.gold() != null && reconcile.gold().ok() ? "OK: every distinct silver trade once" : "MISMATCH");
    out.printf("  %-46s %,10d %14s  %s%n", lake.qualified(Tables.OHLCV_1M), bars, "",
        reconcile.bars() != null && reconcile.bars().ok() ? "OK: every bar equals gold's trades of its minute"
            : "MISMATCH");
    out.println();
    out.println("== Gold");
    out.printf("  duplicates removed      %,d (the producer re-sent %,d trades)%n", duplicatesRemoved,
        manifest.exchanges().values().stream().mapToLong(Manifest.ExchangeCounts::duplicates).sum());
    out.printf("  late rows written       %,d (later than the watermark; see docs/architecture.md)%n",
        reconcile.gold() == null ? 0 : reconcile.gold().lateRows());
    out.printf("  1-minute bars           %,d (kept equal to gold's trades: updated by every gold commit, late trades too)%n",
        bars);
    out.printf("  sequence gaps           %,d %s, in %s%n", gaps.found().size(), gapsBySeverity,
        lake.qualified(Tables.SEQUENCE_GAPS));
    out.println("                          (each faulty record that reached the DLQ leaves its trade id missing in gold)");
    out.println("  end-to-end latency      " + latency.summary());
    out.println("                          (producer send to the gold commit holding the trade, from Iceberg's snapshots;");
    out.println("                          everything was sent at once, so this is the time to drain the whole run)");
    out.println("  from trade time         " + tradeTimeLatency.summary());
    out.println("                          (this run back-dates trades over the last " + EmbeddedPipeline.SPREAD.toMinutes()
        + " minutes so bars close; live,");
    out.println("                          it is the line above plus the exchange's own delay)");
    out.println();
    out.println("== DLQ by error_reason (expected: what the producer injected)");
    Map<String, Long> expected = manifest.expectedDlqReasons();
    java.util.Set<String> reasons = new java.util.TreeSet<>(expected.keySet());
    reasons.addAll(reconcile.dlqByReason().keySet());
    for (String reason : reasons) {
      long found = reconcile.dlqByReason().getOrDefault(reason, 0L);
      long wanted = expected.getOrDefault(reason, 0L);
      out.printf("  %-28s %,8d  %s%n", reason, found, found == wanted ? "OK" : "MISMATCH: expected " + wanted);
    }
    out.println();
    out.println("== Reconcile");
    reconcile.print(out, false);
    out.println();
    out.println("== Where the data lives (kept after this run)");
    out.println("  warehouse    " + lake.warehouse() + "  (files under " + dataDir.resolve("servers/s3/blobs") + ")");
    out.println("  checkpoints  " + stream.checkpointRoot());
    out.println("  catalog      " + lake.catalogUri() + "  (Iceberg JDBC catalog, namespace " + lake.namespace() + ")");
    out.println("  server logs  " + dataDir.resolve("servers"));
    out.println();
    out.println("== Next");
    out.println("  make cluster-up && make submit-all   the same jobs on a local Spark cluster (Master UI http://127.0.0.1:8080)");
    out.println("  make submit-pipeline                 or the five jobs as ONE application, for a small host");
    out.println("  metrics                              each cluster job at http://127.0.0.1:4041-4045/metrics/prometheus/;");
    out.println("                                       make monitor runs Prometheus with the alert rules (monitoring/)");
    out.println("  make produce ARGS=--help             more trades, other rates, other faults");
    out.println("  make reconcile / make replay / make maintain / make gaps   (make help lists all)");
    out.println("  make sql / make history              SQL on the cluster's lake; each table's snapshots and who wrote them");
    out.println("  make chaos / make bench              kill jobs and servers mid-stream, then reconcile; measure speed");
    out.println("  docs/architecture.md, docs/operations.md, docs/troubleshooting.md, docs/reliability.md,");
    out.println("  docs/benchmarks.md");
    out.println();
    out.println(ok() ? "Result: OK, every record accounted for"
        : "Result: FAILED" + (bronzeComplete() ? "" : ", bronze does not match Kafka")
            + (reconcile.ok() ? "" : ", reconcile found violations")
            + (dlqMatchesManifest() ? "" : ", the DLQ does not match the injected faults"));
  }
}
