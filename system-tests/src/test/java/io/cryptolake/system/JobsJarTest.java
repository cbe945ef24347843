package io.cryptolake.system;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.proof.Project;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * spark-submit/submit.sh's jobs jar given as {@code local:<path>} (every host has it there; bin/cluster's client
 * mode on its one host): a mistake stops the submit before Spark starts, in one line naming the option, exit 2.
 * The jar read in place is what ChaosTest's and SoakTest's local clusters run on.
 */
class JobsJarTest {
  @Test
  void aLocalJarIsRefusedInClusterModeAndMustExist() {
    Project.Result cluster = submit(Map.of("SPARK_DEPLOY_MODE", "cluster",
        "CRYPTOLAKE_JOBS_JAR", "local:" + Project.file("jobs/target/cryptolake-jobs.jar")));
    assertEquals(2, cluster.exit(), cluster.output());
    assertEquals("submit: CRYPTOLAKE_JOBS_JAR=local:" + Project.file("jobs/target/cryptolake-jobs.jar") + ": a local: "
        + "jar is for client mode; in cluster mode give a URL every worker can fetch", cluster.output().strip());

    Project.Result missing = submit(Map.of("CRYPTOLAKE_JOBS_JAR", "local:/nowhere/cryptolake-jobs.jar"));
    assertEquals(2, missing.exit(), missing.output());
    assertEquals("submit: /nowhere/cryptolake-jobs.jar not found; build it with 'make build'",
        missing.output().strip());
  }

  private static Project.Result submit(Map<String, String> env) {
    return Project.run(env, Duration.ofMinutes(1), "spark-submit/bronze-binance.sh");
  }
}
