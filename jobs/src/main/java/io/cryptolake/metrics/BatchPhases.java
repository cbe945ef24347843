package io.cryptolake.metrics;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

/**
 * Where a micro-batch spends its time: Spark's own phases from the query progress ({@code durationMs}) and the
 * state stores' commit. Published per job as {@code cryptolake_batch_phase_ms{phase}} for the slowest query's
 * latest batch, so an operator (and {@code make bench}) sees whether rows or per-batch overhead take the time.
 */
public final class BatchPhases {
  /** Finding new data; listing its files; planning; the foreachBatch or sink write; the offset and commit logs. */
  public static final List<String> NAMES = List.of("latestOffset", "getBatch", "queryPlanning", "addBatch",
      "walCommit", "commitOffsets", "stateCommit");

  private BatchPhases() {}

  /** Milliseconds per phase of one batch; a phase the query does not have is 0. */
  public static Map<String, Long> of(StreamingQueryProgress progress) {
    Map<String, Long> phases = new LinkedHashMap<>();
    for (String name : NAMES) {
      Long ms = progress.durationMs().get(name);
      phases.put(name, ms == null ? 0L : ms);
    }
    phases.put("stateCommit",
        Arrays.stream(progress.stateOperators()).mapToLong(StateOperatorProgress::commitTimeMs).sum());
    return phases;
  }
}
