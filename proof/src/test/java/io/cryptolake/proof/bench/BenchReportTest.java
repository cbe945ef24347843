package io.cryptolake.proof.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.gold.GoldLatency.Band;
import io.cryptolake.gold.GoldLatency.Minute;
import io.cryptolake.gold.GoldLatency.Percentiles;
import io.cryptolake.proof.bench.PipelineBench.JobWindow;
import io.cryptolake.proof.bench.PipelineBench.Memory;
import io.cryptolake.proof.bench.PipelineBench.RateResult;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The side-by-side table: a column per run and, for a deployment run more than once, the median of its runs. */
class BenchReportTest {
  private static final String PASS = "exit 0: counts PASS";

  @Test
  void repeatedRunsGetAColumnEachAndOneWithTheirMedian() {
    BenchReport report = new BenchReport(0, Duration.ofSeconds(120));
    report.add(run(false, 1, 70, 30, true, 900, PASS));
    report.add(run(true, 1, 31, 20, true, 800, PASS));
    report.add(run(false, 2, 80, 50, false, 700, "exit 1: counts FAIL"));
    report.add(run(true, 2, 33, 22, true, 850, PASS));
    report.add(run(false, 3, 60, 40, true, 600, PASS));
    String md = report.markdown();

    assertEquals("| | five applications, run 1 | one application, run 1 | five applications, run 2 | one application, "
        + "run 2 | five applications, run 3 | five applications, median of 3 runs | one application, median of 2 "
        + "runs |", line(md, "| |"));
    assertEquals("| first batch after a cold start, slowest job (target 20 s) | 70.0 s | 31.0 s | 80.0 s | 33.0 s | "
        + "60.0 s | 70.0 s | 32.0 s |", line(md, "| first batch"));
    assertEquals("| 2,000/s: kept up (jobs that did not) | yes | yes | no (gold) | yes | yes | 2 of 3 runs | 2 of 2 "
        + "runs |", line(md, "| 2,000/s: kept up"));
    // Each percentile's median on its own: five's p50s 15, 35, 25, p95s 25, 45, 35, p99s 30, 50, 40.
    assertEquals("| 2,000/s: trade time to gold p50 / p95 / p99 | 15.0 / 25.0 / 30.0 s | 5.0 / 15.0 / 20.0 s | "
        + "35.0 / 45.0 / 50.0 s | 7.0 / 17.0 / 22.0 s | 25.0 / 35.0 / 40.0 s | 25.0 / 35.0 / 40.0 s | "
        + "6.0 / 16.0 / 21.0 s |", line(md, "| 2,000/s: trade time"));
    assertEquals("| largest peak heap (every JVM -Xmx1g) | 900 MiB | 800 MiB | 700 MiB | 850 MiB | 600 MiB | 900 MiB "
        + "| 850 MiB |", line(md, "| largest peak heap"));
    assertEquals("| reconcile --manifest after the rates | exit 0: counts PASS | exit 0: counts PASS | exit 1: counts "
        + "FAIL | exit 0: counts PASS | exit 0: counts PASS | PASS in 2 of 3 runs | PASS in 2 of 2 runs |",
        line(md, "| reconcile"));
    assertTrue(md.contains("#### five applications, run 2\n"), "each run in full under its own name");
  }

  @Test
  void aSingleRunHasNoMedianColumn() {
    BenchReport report = new BenchReport(0, Duration.ofSeconds(120));
    report.add(run(false, 0, 70, 30, true, 900, PASS));
    String md = report.markdown();
    assertEquals("| | five applications |", line(md, "| |"));
    assertEquals("| 2,000/s: trade time to gold p50 / p95 / p99 | 15.0 / 25.0 / 30.0 s |",
        line(md, "| 2,000/s: trade"));
    assertFalse(md.contains("median of"));
    assertEquals("| p99 and over | 2,400 | 0.0 | 9.5 | 12.3 | 14.0 | 35.8 |", line(md, "| p99 and over"),
        "each band with its hops' means, to a tenth of a second");
    assertEquals("| 21:30 | 120,000 | 12.0 | 22.0 | 25.0 |  |", line(md, "| 21:30 |"), "a minute without a check");
    assertEquals("| 21:31 | 120,000 | 14.5 | 37.7 | 41.2 | 21:31:24 |", line(md, "| 21:31 |"),
        "a minute with the check that finished in it, not the next minute's");
    assertEquals("| gold | gold | 10 | 4 | 6,560 | 1,480 | 4,485 | 2,005 |", line(md, "| gold | gold |"),
        "the median batch's stages, per application and query");
  }

  /** Each Spark stage of the ingest part gives its task CPU; a stage outside Spark leaves the column empty. */
  @Test
  void ingestStagesGiveTheirTaskCpu() {
    BenchReport report = new BenchReport(1_000_000, Duration.ofSeconds(120));
    report.add("kafka", new IngestBench.Rate("Kafka consumer", 1_000_000, 500_000, Duration.ofSeconds(2)));
    report.add("gold", new IngestBench.Rate("gold job", 1_000_000, 31_041, Duration.ofMillis(32_800),
        IngestBench.Phases.NONE, 27.64));
    String md = report.markdown();
    assertEquals("| stage | rows | rows/s while working | wall (s) | task CPU (s) |", line(md, "| stage |"));
    assertEquals("| Kafka consumer | 1,000,000 | 500,000 | 2.0 |  |", line(md, "| Kafka consumer"));
    assertEquals("| gold job | 1,000,000 | 31,041 | 32.8 | 27.6 |", line(md, "| gold job"));
  }

  /** A run at 2,000/s whose p50 and p95 sit 15 and 5 s under its p99; gold kept up or not. */
  private static BenchReport.Deployment run(boolean one, int number, double firstBatchS, double p99, boolean keptUp,
      long heapMib, String reconcile) {
    JobWindow gold = new JobWindow(List.of(0L, 100L), 0, keptUp ? 100 : 50_000, 4_000, 5_000, 7_000, 0, Map.of());
    Percentiles latency = new Percentiles(240_000, p99 - 15, p99 - 5, p99, p99 + 5);
    RateResult rate = new RateResult(2000, 1990, Duration.ofSeconds(120), Map.of("gold", gold),
        Map.of(ProcessCpu.MACHINE, 1.6, "driver gold", 0.3, "executor gold", 0.5), Duration.ofSeconds(3), latency,
        latency, List.of(new Band("below p50", 120_000, 0.01, 4.96, 3.3, 7.04, 15.31),
            new Band("p99 and over", 2_400, 0.02, 9.5, 12.25, 14.0, 35.77)),
        List.of(new Minute(Instant.parse("2026-12-06T21:30:00Z"), new Percentiles(120_000, 12.04, 20, 21.96, 25)),
            new Minute(Instant.parse("2026-12-06T21:31:00Z"), new Percentiles(120_000, 14.5, 30, 37.73, 41.2))),
        List.of(Instant.parse("2026-12-06T21:31:24.6Z"), Instant.parse("2026-12-06T21:32:01Z")), Map.of(),
        Map.of("gold", Map.of("gold", new QueryTaskTime.BatchStages(10, 4, 6_560, 1_480, 4_485, 2_005.4))));
    return new BenchReport.Deployment(one, number, Map.of("bronze", Duration.ofMillis((long) (firstBatchS * 1000))),
        List.of(rate), List.of(new Memory("gold", heapMib, heapMib / 2)), reconcile);
  }

  private static String line(String md, String prefix) {
    return md.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow(() -> new AssertionError(
        "no line starting with " + prefix + " in\n" + md));
  }
}
