package io.cryptolake.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.proof.Project;
import io.cryptolake.proof.soak.SoakConfig;
import io.cryptolake.proof.soak.SoakReport;
import io.cryptolake.proof.soak.SoakRun;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The short version of `make soak`: four simulated days through the five jobs on the local cluster, with
 * late duplicates, held-back blocks, poison records, a silent symbol, maintain beside the jobs and
 * silver-kraken stopped for a day. Every check of the full soak must hold.
 */
class SoakTest {
  @Test
  void simulatedDaysKeepTheStateBoundedTheBarsAndGapsTrueAndEveryRecordAccountedFor() throws Exception {
    SoakConfig config = new SoakConfig(4, 300, Duration.ofSeconds(15), 2, 1, 2, Duration.ofSeconds(60), 7,
        Project.file("system-tests/target/soak"));
    SoakReport report = new SoakRun(config).run();
    System.out.println(report.markdown());
    assertEquals(4, report.days().size());
    report.checks().forEach((check, verdict) -> assertTrue(verdict.startsWith("OK"), check + ": " + verdict));
  }
}
