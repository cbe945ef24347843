package io.cryptolake.proof.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cryptolake.proof.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Executor task time per query in a window, from each application's completed stages (Spark's REST API): a
 * stage belongs to the query whose batch ran it (the first line of its job description is the query's name);
 * stages without one are the gold job's gap check and other background work. Phases say how long a batch took;
 * this says which query's tasks held the executors (gold's trades, bars and gap check share one core).
 *
 * <p>Spark's UI keeps the latest 1,000 stages, so the window is read every minute: stages seen at the start are
 * not counted, and each stage is counted once.
 */
final class QueryTaskTime {
  static final String NO_QUERY = "background (gap check)";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Seconds of task time, of it on CPU and in garbage collection, and stages, of one query in the window. A pause
   * counts once for every task it stopped, so GC seconds say how much task time collections cost, not how long
   * the JVM paused.
   */
  record Time(double runSeconds, double cpuSeconds, double gcSeconds, int stages) {
    Time plus(Time other) {
      return new Time(runSeconds + other.runSeconds, cpuSeconds + other.cpuSeconds, gcSeconds + other.gcSeconds,
          stages + other.stages);
    }
  }

  private final LocalCluster cluster;
  private final List<String> apps;
  private final Set<String> seen = new HashSet<>();
  private final Map<String, Map<String, Time>> byApp = new LinkedHashMap<>();
  private boolean started;

  QueryTaskTime(LocalCluster cluster, List<String> apps) {
    this.cluster = cluster;
    this.apps = apps;
  }

  /** Reads every application's completed stages; the first read only marks what was there before the window. */
  void sample() {
    for (String app : apps) {
      JsonNode stages;
      try {
        stages = JSON.readTree(cluster.sparkApi(app, "stages?status=complete").orElse("[]"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      for (JsonNode stage : stages) {
        if (!seen.add(app + "/" + stage.path("stageId").asInt() + "/" + stage.path("attemptId").asInt()) || !started) {
          continue;
        }
        Time time = new Time(stage.path("executorRunTime").asLong() / 1000.0,
            stage.path("executorCpuTime").asLong() / 1e9, stage.path("jvmGcTime").asLong() / 1000.0, 1);
        byApp.computeIfAbsent(app, a -> new LinkedHashMap<>()).merge(query(stage), time, Time::plus);
      }
    }
    started = true;
  }

  /** Per application, per query, the task time counted since the first sample. */
  Map<String, Map<String, Time>> byApp() {
    return byApp;
  }

  private static String query(JsonNode stage) {
    String description = stage.path("description").asText("");
    return description.isBlank() ? NO_QUERY : description.lines().findFirst().orElse(NO_QUERY);
  }
}
