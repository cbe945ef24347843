package io.cryptolake.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.proof.Project;
import io.cryptolake.proof.soak.SoakConfig;
import io.cryptolake.proof.soak.SoakReport;
import io.cryptolake.proof.soak.SoakRun;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The short version of `make soak`: four simulated days through the five jobs' queries (in one local Spark
 * session: ten Spark JVMs starting on two cores would not fit the suite's time), with duplicates a day later,
 * held-back trades that fill their gaps late, poison records, a lagging exchange, a feed outage and maintain
 * beside the jobs. Every check of the full soak must hold; `make soak` runs the same scenario on the cluster,
 * `make test-soak` this test alone.
 */
class SoakTest {
  @Test
  void fourCompressedDaysKeepTheStateBoundedTheGapsTrueAndEveryRecordAccountedFor() throws Exception {
    SoakConfig config = SoakConfig.quick(Project.file("system-tests/target/soak"));
    SoakReport report = SoakRun.inSession(config).run();
    System.out.println(report.markdown());

    Map<String, String> failed = new TreeMap<>(report.checks());
    failed.values().removeIf(verdict -> verdict.startsWith("OK"));
    assertEquals(Map.of(), failed, report.markdown());
    assertEquals(config.days(), report.days().size(), "a sample per day");
    assertTrue(report.maintenance().size() >= 1, "maintain ran beside the jobs");
    assertTrue(report.reconcile().output().contains("reconcile: PASS"), report.reconcile().output());
    assertTrue(report.reconcile().output().contains("kafka: PASS"), report.reconcile().output());
  }
}
