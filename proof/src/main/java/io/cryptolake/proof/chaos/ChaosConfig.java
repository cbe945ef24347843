package io.cryptolake.proof.chaos;

import io.cryptolake.proof.LocalCluster;
import io.cryptolake.proof.Project;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One fault-injection run: how many synthetic trades at what rate (both exchanges together), with which share
 * of faulty records, how many kill -9s of a random job, and how long each server outage lasts; the five jobs
 * as five applications or as one; how often gold's bars run ({@code barsEvery}, null: the jobs' default). The
 * run's cluster state, data, manifest and report live under {@code dir}.
 */
public record ChaosConfig(long trades, double ratePerSecond, double faultFraction, int kills, Duration outage,
    long seed, Path dir, boolean oneApplication, Duration barsEvery) {

  /** {@code make chaos}: a million trades, 20 kills, one-minute outages. */
  public static ChaosConfig full(Path dir) {
    return new ChaosConfig(1_000_000, 2_000, 0.05, 20, Duration.ofSeconds(60), 2026, dir, false, null);
  }

  /**
   * The suite's version: the same injections, fewer of them, shorter, on fewer trades. The bars every 10 s, the
   * jobs' trigger: the run waits for a quiet period longer than the longest trigger before each check, twice.
   */
  public static ChaosConfig quick(Path dir) {
    return new ChaosConfig(24_000, 400, 0.05, 3, Duration.ofSeconds(10), 7, dir, false, Duration.ofSeconds(10));
  }

  /** The same run on the five jobs as one application (spark-submit/pipeline.sh): each kill stops them all. */
  public ChaosConfig withOneApplication() {
    return new ChaosConfig(trades, ratePerSecond, faultFraction, kills, outage, seed, dir, true, barsEvery);
  }

  /** What is submitted, and what a kill picks from: the five jobs, or the one application that runs them. */
  public List<String> apps() {
    return oneApplication ? List.of(LocalCluster.ONE_APPLICATION) : Project.streamingJobs();
  }

  /** How long the producer sends: the window the injections are spread over. */
  public Duration sendWindow() {
    return Duration.ofMillis((long) (trades * 1000 / ratePerSecond));
  }
}
