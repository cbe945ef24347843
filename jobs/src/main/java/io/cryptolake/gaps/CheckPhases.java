package io.cryptolake.gaps;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where one gap check's time went, phase by phase in the order they ran, for its log line: under load a check
 * takes 1-2.5 minutes where the same check alone takes 14 s (docs/benchmarks.md), and the line says which part.
 */
final class CheckPhases {
  private final Map<String, Long> millis = new LinkedHashMap<>();
  private long lapStart = System.nanoTime();

  /** Ends the phase running since the previous lap (or since this was made), under {@code phase}. */
  void lap(String phase) {
    long now = System.nanoTime();
    millis.merge(phase, (now - lapStart) / 1_000_000, Long::sum);
    lapStart = now;
  }

  /** Phase by phase, in seconds: "appended 1.2 s, gaps 8.0 s, ...". */
  @Override
  public String toString() {
    return millis.entrySet().stream().map(e -> String.format(Locale.ROOT, "%s %.1f s", e.getKey(), e.getValue() / 1000.0))
        .collect(Collectors.joining(", "));
  }
}
