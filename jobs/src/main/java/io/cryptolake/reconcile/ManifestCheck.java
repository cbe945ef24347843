package io.cryptolake.reconcile;

import io.cryptolake.schemas.Manifest;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A reconciliation against what a producer says it sent (its manifest): per exchange, bronze holds every
 * record sent, silver every valid one and the DLQ every faulty one; over all exchanges, the DLQ holds exactly
 * the expected rows per error_reason. A row no fault explains (an outage turned into a DLQ row, say) or a
 * record lost on the way shows as a difference here even when the accounting invariant holds.
 */
public record ManifestCheck(List<Line> lines) {
  /** One comparison: what it counts, what the manifest expects, what the tables hold. */
  public record Line(String what, long expected, long found) {
    public boolean ok() {
      return expected == found;
    }
  }

  public static ManifestCheck of(Manifest manifest, Reconciliation.Result result) {
    List<Line> lines = new ArrayList<>();
    for (Reconciliation.ExchangeResult e : result.exchanges()) {
      Manifest.ExchangeCounts sent = manifest.exchanges().get(e.exchange().id());
      if (sent == null) {
        continue;
      }
      String id = e.exchange().id();
      lines.add(new Line(id + " bronze rows = sent", sent.sent(), e.bronze()));
      lines.add(new Line(id + " silver rows = valid", sent.valid(), e.silver()));
      lines.add(new Line(id + " DLQ rows = faulty", sent.expectedDlqTotal(), e.dlq()));
    }
    Map<String, Long> expected = expectedReasons(manifest, result);
    Set<String> reasons = new TreeSet<>(expected.keySet());
    reasons.addAll(result.dlqByReason().keySet());
    for (String reason : reasons) {
      lines.add(new Line("DLQ " + reason, expected.getOrDefault(reason, 0L),
          result.dlqByReason().getOrDefault(reason, 0L)));
    }
    return new ManifestCheck(List.copyOf(lines));
  }

  public boolean ok() {
    return lines.stream().allMatch(Line::ok);
  }

  public void print(PrintStream out) {
    out.println("  against the producer's manifest:");
    out.printf("    %-40s %12s %12s%n", "", "expected", "found");
    for (Line line : lines) {
      out.printf("    %-40s %,12d %,12d%s%n", line.what(), line.expected(), line.found(),
          line.ok() ? "" : "   MISMATCH");
    }
    out.println(ok() ? "  manifest: PASS, every record sent is where its kind says" : "  manifest: FAIL");
  }

  /** Expected DLQ rows per reason, over the exchanges this reconciliation checked. */
  private static Map<String, Long> expectedReasons(Manifest manifest, Reconciliation.Result result) {
    Map<String, Long> expected = new TreeMap<>();
    for (Reconciliation.ExchangeResult e : result.exchanges()) {
      Manifest.ExchangeCounts sent = manifest.exchanges().get(e.exchange().id());
      if (sent != null) {
        sent.expectedDlqReasons().forEach((reason, n) -> expected.merge(reason, n, Long::sum));
      }
    }
    return expected;
  }
}
