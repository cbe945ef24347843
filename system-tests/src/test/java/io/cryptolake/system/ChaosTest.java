package io.cryptolake.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.proof.Project;
import io.cryptolake.proof.chaos.ChaosConfig;
import io.cryptolake.proof.chaos.ChaosReport;
import io.cryptolake.proof.chaos.ChaosRun;
import io.cryptolake.proof.chaos.Injection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The short version of `make chaos`: the same run on 24,000 trades, with three kill -9s, the S3 server, the
 * catalog server and the registry down for 10 s and a Kafka restart while the producer sends, and one more
 * kill -9 once everything is caught up (the new driver finds nothing to read, and must read nothing: else the
 * run's catch-up check was wrong). Nothing may be lost, duplicated or blamed on an outage: reconcile and the
 * producer's manifest must agree. Here on the five jobs as ONE application (spark-submit/pipeline.sh; each
 * kill -9 stops every job at once, each restart resumes all five from their checkpoints); LocalClusterTest runs
 * the five applications, `make chaos` too.
 */
class ChaosTest {
  @Test
  void killsAndOutagesWhileSendingLoseNothingDuplicateNothingAndBlameNothingOnTheOutages() throws Exception {
    ChaosConfig config = ChaosConfig.quick(Project.file("system-tests/target/chaos")).withOneApplication();
    ChaosReport report = new ChaosRun(config).run();
    System.out.println(report.markdown());

    assertEquals(config.trades(), report.manifest().totalSent());
    List<String> injected = report.injected().stream().map(i -> i.injection().describe()).toList();
    assertEquals(config.kills() + 4 + 1, injected.size(), injected.toString());
    assertEquals("kill -9 pipeline once caught up", injected.get(injected.size() - 1));
    assertTrue(injected.contains("stop catalog for " + config.outage().toSeconds() + " s"), injected.toString());
    assertTrue(report.injected().stream().allMatch(i -> i.injection() instanceof Injection.KillJob
        ? i.detail().contains("new application app-") : i.detail().contains("ready")), injected.toString());
    assertTrue(report.noJobGaveUp(), "a job gave up restarting its query");
    assertTrue(report.idleRestartsReadNothing(), "the run took jobs for caught up that were not: "
        + report.readAfterIdleRestart());
    assertTrue(report.runningAtEnd().contains("pipeline"), "RUNNING: " + report.runningAtEnd());
    String reconcile = report.reconciles().get(report.reconciles().size() - 1).output();
    assertTrue(report.reconciled(), reconcile);
    assertTrue(reconcile.contains("missing 0, not in silver 0, keys twice 0"), reconcile);
  }
}
