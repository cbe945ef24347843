package io.cryptolake.replay;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeMap;

/** What a replay selected, and per original reason how many now pass and how many still fail (and why). */
public record ReplayResult(boolean dryRun, long selected, Map<String, Long> resolvedByReason,
    Map<String, Long> stillFailingByNewReason, long appendedToSilver) {

  public long resolved() {
    return resolvedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public long stillFailing() {
    return stillFailingByNewReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public void print(PrintStream out) {
    out.printf("%s: %,d DLQ rows selected, %,d now valid%s, %,d still failing%n",
        dryRun ? "dry run (nothing written)" : "replay", selected(), resolved(),
        dryRun ? "" : String.format(" (%,d appended to silver)", appendedToSilver), stillFailing());
    new TreeMap<>(resolvedByReason).forEach((reason, n) -> out.printf("  resolved       %-28s %,8d%n", reason, n));
    new TreeMap<>(stillFailingByNewReason).forEach(
        (reason, n) -> out.printf("  still failing  %-28s %,8d%n", reason, n));
  }
}
