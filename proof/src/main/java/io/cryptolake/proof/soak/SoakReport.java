package io.cryptolake.proof.soak;

import io.cryptolake.proof.Project;
import io.cryptolake.proof.chaos.SupervisedRestarts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a soak saw, day by day, and the verdict on each guarantee; as Markdown for docs/reliability.md. */
public record SoakReport(SoakConfig config, long recordsSent, Duration sendTime, List<Day> days, Day settled,
    List<Project.Result> maintenance, Project.Result gaps, Project.Result reconcile, Set<String> runningAtEnd,
    Optional<List<SupervisedRestarts.Restart>> restarts) {
  private static final Pattern RECORDED = Pattern.compile("recorded: (\\d+) open \\{([^}]*)}, (\\d+) filled");
  private static final long MIB = 1024 * 1024;

  /** One sample after a simulated day: gold's state, and each driver's heap in use. */
  public record Day(int day, long records, long stateRows, long stateBytes, Map<String, Double> heapBytes) {}

  /**
   * The entries the state holds once it settles: one per (exchange, symbol) whose trades are within the watermark,
   * the four symbols at most (held-back trades join their symbol's entry; poison never reaches gold).
   */
  long stateBound() {
    return SimulatedDays.symbols().values().stream().mapToInt(List::size).sum();
  }

  /** One line per check, each "OK" or "FAIL: why". */
  public Map<String, String> checks() {
    Map<String, String> checks = new TreeMap<>();
    checks.put("1 reconcile", reconcile.exit() == 0 ? "OK: PASS (bronze, silver, DLQ, gold, bars)"
        : "FAIL: reconcile exited " + reconcile.exit());
    checks.put("2 state bounded", settled.stateRows() >= 0 && settled.stateRows() <= stateBound()
        ? "OK: " + settled.stateRows() + " entries once settled, bound " + stateBound()
        : "FAIL: " + settled.stateRows() + " entries once settled, above the bound " + stateBound());
    Matcher recorded = RECORDED.matcher(gaps.output());
    boolean gapsOk = recorded.find() && recorded.group(2).equals("CRITICAL=1")
        && Long.parseLong(recorded.group(3)) == config.days();
    checks.put("3 gaps", gapsOk ? "OK: the outage's CRITICAL gap open, the " + config.days() + " held-back gaps filled"
        : "FAIL: expected one open gap (CRITICAL) and " + config.days() + " filled: " + (recorded.find(0)
        ? recorded.group() : "no summary in the gaps output"));
    List<SupervisedRestarts.Restart> restarted = restarts.orElse(List.of());
    checks.put("4 no restarts", restarts.isEmpty() ? "OK: no supervisor in one session (a failed query fails check 6)"
        : restarted.isEmpty() ? "OK: no query restarted" : "FAIL: " + restarted.size() + " supervised restarts");
    List<Integer> exits = maintenance.stream().map(Project.Result::exit).toList();
    checks.put("5 maintenance", exits.stream().allMatch(e -> e == 0)
        ? "OK: " + exits.size() + " runs beside the jobs, all exit 0" : "FAIL: exits " + exits + " (output below)");
    checks.put("6 all jobs running", runningAtEnd.containsAll(Project.streamingJobs()) ? "OK"
        : "FAIL: running " + runningAtEnd);
    checks.put("7 heap flat", heapFlat());
    return checks;
  }

  public boolean ok() {
    return checks().values().stream().allMatch(v -> v.startsWith("OK"));
  }

  /**
   * Per job: the lowest heap in use seen over the last third of the days (the floor a garbage collection leaves,
   * where a leak shows) is within 1.5x (+64 MiB) of the lowest over the first third (after the first day).
   */
  private String heapFlat() {
    if (days.size() < 6) {
      return "OK: too few days to judge (" + days.size() + "); figures below";
    }
    List<String> grew = new ArrayList<>();
    for (String job : heapColumns()) {
      List<Double> heap = days.stream().map(d -> d.heapBytes().get(job)).filter(java.util.Objects::nonNull).toList();
      if (heap.size() < 6) {
        continue;
      }
      double early = min(heap.subList(1, heap.size() / 3 + 1));
      double late = min(heap.subList(heap.size() * 2 / 3, heap.size()));
      if (late > early * 1.5 + 64 * MIB) {
        grew.add(String.format("%s %.0f -> %.0f MiB", job, early / MIB, late / MIB));
      }
    }
    return grew.isEmpty() ? "OK: no job's heap grew from the first third of the days to the last" : "FAIL: " + grew;
  }

  /** The JVMs sampled: each job's driver on the cluster, the one JVM of a session. */
  private List<String> heapColumns() {
    return days.stream().flatMap(d -> d.heapBytes().keySet().stream()).distinct().toList();
  }

  private static double min(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
  }

  public String markdown() {
    StringBuilder md = new StringBuilder("# Soak: ").append(config.days()).append(" simulated days\n\n");
    md.append(String.format("%,d records (%,d trades per symbol per day, four symbols, duplicates, held-back blocks, "
        + "poison), one day every %d s, in %d min %d s; maintain every %d days; silver-kraken stopped from day %d to "
        + "%d; Binance ETHUSDT silent on day %d.%n%n", recordsSent, config.tradesPerSymbol(),
        config.dayPause().toSeconds(), sendTime.toMinutes(), sendTime.toSecondsPart(), config.maintainEvery(),
        config.lagFrom() + 1, config.lagTo() + 1, config.outageDay() + 1));
    md.append("## Verdict: ").append(ok() ? "PASS" : "FAIL").append("\n\n");
    checks().forEach((check, verdict) -> md.append("- ").append(check.substring(2)).append(": ").append(verdict)
        .append('\n'));
    md.append("\n## Day by day\n\n| day | records | gold state rows | state MiB |");
    List<String> heapColumns = heapColumns();
    heapColumns.forEach(job -> md.append(' ').append(job).append(" heap MiB |"));
    md.append("\n|---|---|---|---|").append("---|".repeat(heapColumns.size())).append('\n');
    List<Day> all = new ArrayList<>(days);
    all.add(settled);
    for (Day d : all) {
      md.append(String.format("| %s | %,d | %,d | %.1f |", d == settled ? "settled" : String.valueOf(d.day()),
          d.records(), d.stateRows(), d.stateBytes() / (double) MIB));
      heapColumns.forEach(job -> md.append(d.heapBytes().containsKey(job)
          ? String.format(" %.0f |", d.heapBytes().get(job) / MIB) : " - |"));
      md.append('\n');
    }
    md.append("\n## gaps\n\n```\n").append(tail(gaps.output(), 40)).append("```\n\n## reconcile\n\n```\n")
        .append(tail(reconcile.output(), 40)).append("```\n");
    maintenance.stream().filter(run -> run.exit() != 0).forEach(run -> md.append("\n## maintain, exit ")
        .append(run.exit()).append("\n\n```\n").append(tail(run.output(), 40)).append("```\n"));
    if (restarts.isPresent() && !restarts.get().isEmpty()) {
      md.append("\n## Restarts\n\n");
      restarts.get().forEach(r -> md.append("- ").append(r).append('\n'));
    }
    return md.toString();
  }

  private static String tail(String output, int lines) {
    List<String> all = output.lines().filter(l -> !l.contains(" WARN ") && !l.contains(" INFO ")).toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size())) + "\n";
  }
}
