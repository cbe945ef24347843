package io.cryptolake.proof.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cryptolake.proof.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Executor task time per query in a window, from each application's completed stages (Spark's REST API): a
 * stage belongs to the query whose batch ran it (the first line of its job description is the query's name);
 * stages without one are the gold job's gap check and other background work. Phases say how long a batch took;
 * this says which query's tasks held the executors (gold's trades, bars and gap check share one core).
 *
 * <p>The same stages, summed per batch ({@link BatchStages}), split a batch's time between Spark's stages (and
 * within them, waiting for a task slot and the tasks themselves) and its driver's own work around them.
 *
 * <p>Spark's UI keeps the latest 1,000 stages, so the window is read every minute: stages seen at the start are
 * not counted, and each stage is counted once.
 */
final class QueryTaskTime {
  static final String NO_QUERY = "background (gap check)";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** A streaming query's job description ends with its batch: "name\nid = ...\nrunId = ...\nbatch = 12". */
  private static final Pattern BATCH = Pattern.compile("\\nbatch = (\\d+)");

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

  /**
   * A query's median batch with Spark work in the window (each figure's median on its own): its stages, the time
   * from each stage's submission to its completion summed, of it before the stage's first task started (a task
   * slot busy with other queries' tasks), and its tasks' run and CPU time. A batch's duration less its stages is
   * its driver's work outside them: planning, Iceberg's reads and commits, the checkpoint's files.
   */
  record BatchStages(int batches, double stages, double inStagesMs, double beforeFirstTaskMs, double taskMs,
      double taskCpuMs) {}

  /** One batch's stages, summed. */
  private record StageSums(int stages, long inStagesMs, long beforeFirstTaskMs, long taskMs, double taskCpuMs) {
    StageSums plus(StageSums other) {
      return new StageSums(stages + other.stages, inStagesMs + other.inStagesMs,
          beforeFirstTaskMs + other.beforeFirstTaskMs, taskMs + other.taskMs, taskCpuMs + other.taskCpuMs);
    }
  }

  private final LocalCluster cluster;
  private final List<String> apps;
  private final Set<String> seen = new HashSet<>();
  private final Map<String, Map<String, Time>> byApp = new LinkedHashMap<>();
  private final Map<String, Map<String, Map<Long, StageSums>>> batchesByApp = new LinkedHashMap<>();
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
        add(app, stage);
      }
    }
    started = true;
  }

  /** Counts one completed stage (a stage of Spark's REST API) to its application and query. */
  void add(String app, JsonNode stage) {
    Time time = new Time(stage.path("executorRunTime").asLong() / 1000.0,
        stage.path("executorCpuTime").asLong() / 1e9, stage.path("jvmGcTime").asLong() / 1000.0, 1);
    byApp.computeIfAbsent(app, a -> new LinkedHashMap<>()).merge(query(stage), time, Time::plus);
    Matcher batch = BATCH.matcher(stage.path("description").asText(""));
    Instant submitted = instant(stage, "submissionTime");
    Instant firstTask = instant(stage, "firstTaskLaunchedTime");
    Instant completed = instant(stage, "completionTime");
    if (batch.find() && submitted != null && completed != null) {
      StageSums sums = new StageSums(1, Duration.between(submitted, completed).toMillis(),
          firstTask == null ? 0 : Duration.between(submitted, firstTask).toMillis(),
          stage.path("executorRunTime").asLong(), stage.path("executorCpuTime").asLong() / 1e6);
      batchesByApp.computeIfAbsent(app, a -> new LinkedHashMap<>()).computeIfAbsent(query(stage),
          q -> new LinkedHashMap<>()).merge(Long.parseLong(batch.group(1)), sums, StageSums::plus);
    }
  }

  /** Per application, per query, its median batch with Spark work since the first sample. */
  Map<String, Map<String, BatchStages>> perBatch() {
    Map<String, Map<String, BatchStages>> medians = new LinkedHashMap<>();
    batchesByApp.forEach((app, queries) -> queries.forEach((query, batches) -> {
      List<StageSums> all = List.copyOf(batches.values());
      medians.computeIfAbsent(app, a -> new LinkedHashMap<>()).put(query, new BatchStages(all.size(),
          median(all, StageSums::stages), median(all, StageSums::inStagesMs),
          median(all, StageSums::beforeFirstTaskMs), median(all, StageSums::taskMs),
          median(all, StageSums::taskCpuMs)));
    }));
    return medians;
  }

  private static double median(List<StageSums> batches, ToDoubleFunction<StageSums> figure) {
    List<Double> values = new ArrayList<>(batches.stream().map(figure::applyAsDouble).toList());
    Collections.sort(values);
    int middle = values.size() / 2;
    return values.size() % 2 == 1 ? values.get(middle) : (values.get(middle - 1) + values.get(middle)) / 2;
  }

  /** Spark's REST API writes times as "2026-12-06T17:27:36.440GMT". */
  private static Instant instant(JsonNode stage, String field) {
    String text = stage.path(field).asText("");
    return text.isEmpty() ? null : Instant.parse(text.replace("GMT", "Z"));
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
