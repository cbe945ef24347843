package io.cryptolake.proof.chaos;

import io.cryptolake.schemas.Manifest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** What a chaos run injected and what it found, as Markdown for docs/reliability.md. */
public record ChaosReport(ChaosConfig config, Instant start, Manifest manifest, List<ChaosRun.Injected> injected,
    Duration catchUp, Map<String, Double> readAfterIdleRestart, List<Attempt> reconciles, Set<String> runningAtEnd,
    List<SupervisedRestarts.Restart> restarts) {

  /** One run of reconcile --manifest. */
  public record Attempt(Instant at, int exit, String output) {}

  public boolean reconciled() {
    Attempt last = reconciles.get(reconciles.size() - 1);
    return last.exit() == 0 && last.output().contains("reconcile: PASS") && last.output().contains("manifest: PASS");
  }

  public boolean noJobGaveUp() {
    return restarts.stream().noneMatch(SupervisedRestarts.Restart::gaveUp);
  }

  /**
   * The restarts once caught up read nothing: a job that did was not caught up when the run said so (its last
   * batch was still to come), which would make every later wait in the run, and an operator's, unsound.
   */
  public boolean idleRestartsReadNothing() {
    return readAfterIdleRestart.values().stream().allMatch(rows -> rows == 0);
  }

  public boolean ok() {
    return reconciled() && noJobGaveUp() && runningAtEnd.containsAll(config.apps());
  }

  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append(String.format("Run of %s: %,d trades at %,.0f/s (%d s of sending), %.0f%% faulty, seed %d; the five "
        + "jobs as %s.%n%n", start, manifest.totalSent(), config.ratePerSecond(), config.sendWindow().toSeconds(),
        config.faultFraction() * 100, config.seed(), config.oneApplication() ? "one application" : "five applications"));
    md.append("| # | at (s) | injected | back after (s) | query restarts that followed | detail |\n");
    md.append("|---|---|---|---|---|---|\n");
    for (int i = 0; i < injected.size(); i++) {
      ChaosRun.Injected in = injected.get(i);
      Instant until = i + 1 < injected.size() ? injected.get(i + 1).startedAt() : Instant.MAX;
      md.append(String.format("| %d | %d | %s | %.1f | %s | %s |%n", i + 1,
          Duration.between(start, in.startedAt()).toSeconds(), in.injection().describe(),
          in.recovery().toMillis() / 1000.0, restartsBetween(in.startedAt(), until), in.detail()));
    }
    md.append(String.format("%nCaught up %d s after the producer's last record. Applications RUNNING at the end: "
        + "%d of %d. Query restarts logged by the jobs' supervisors: %d; jobs that gave up: %d.%n%n",
        catchUp.toSeconds(), runningAtEnd.stream().filter(config.apps()::contains).count(), config.apps().size(),
        restarts.size(), restarts.stream().filter(SupervisedRestarts.Restart::gaveUp).count()));
    md.append(String.format("Rows read by each job after the restarts once caught up (0: it was caught up): %s.%n%n",
        readAfterIdleRestart));
    md.append("Sent, per the producer's manifest:\n\n");
    manifest.exchanges().forEach((exchange, c) -> md.append(String.format(
        "- %s: %,d sent, %,d valid (%,d duplicates, %,d out of order), %,d faulty: %s%n", exchange, c.sent(),
        c.valid(), c.duplicates(), c.outOfOrder(), c.expectedDlqTotal(), c.expectedDlqReasons())));
    for (Attempt earlier : reconciles.subList(0, reconciles.size() - 1)) {
      md.append(String.format("%nReconcile at %s, before the last rows had arrived (retried a minute later):%n%n```%n%s```%n",
          earlier.at(), verdictLines(earlier.output())));
    }
    md.append(String.format("%nReconcile against the manifest at %s:%n%n```%n%s```%n",
        reconciles.get(reconciles.size() - 1).at(), reconciles.get(reconciles.size() - 1).output()));
    md.append("\nVerdict: ").append(ok() ? "PASS" : "FAIL").append('\n');
    return md.toString();
  }

  /** The supervisors' restarts in [from, until), by job with their first cause. */
  private String restartsBetween(Instant from, Instant until) {
    Map<String, List<SupervisedRestarts.Restart>> byJob = new TreeMap<>(restarts.stream()
        .filter(r -> !r.at().isBefore(from) && r.at().isBefore(until))
        .collect(Collectors.groupingBy(SupervisedRestarts.Restart::job)));
    if (byJob.isEmpty()) {
      return "none";
    }
    return byJob.entrySet().stream().map(e -> e.getKey() + " " + e.getValue().size() + " ("
        + shortCause(e.getValue().get(0).cause()) + ")").collect(Collectors.joining("; "));
  }

  /** The per-exchange counts, gold's line, the mismatches and the verdicts of a reconcile's output. */
  private static String verdictLines(String output) {
    return output.lines().filter(l -> l.matches("\\s+(binance|kraken|gold:).*") || l.contains("MISMATCH")
        || l.contains("reconcile:") || l.contains("manifest:")).collect(Collectors.joining("\n", "", "\n"));
  }

  /** A server that did not answer, by its name and address (which has colons); else the cause up to its first. */
  static String shortCause(String cause) {
    int down = cause.indexOf(" does not answer");
    int colon = cause.indexOf(':');
    String shortened = down > 0 ? cause.substring(0, down) : colon > 0 ? cause.substring(0, colon) : cause;
    return shortened.replace("|", "/");
  }
}
