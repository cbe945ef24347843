package io.cryptolake.proof.bench;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A streaming query's stages, read from a real Spark's REST API, summed per batch and told from other jobs'. */
class QueryTaskTimeTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void aQuerysStagesAreSummedPerBatchAndAJobOutsideABatchIsBackground(@TempDir Path dir) throws Exception {
    Path in = Files.createDirectories(dir.resolve("in"));
    for (int file = 0; file < 3; file++) {
      Files.writeString(in.resolve(file + ".json"), "{\"v\": " + file + "}\n{\"v\": " + (file + 10) + "}\n");
    }
    SparkSession spark = SparkSession.builder().master("local[2]").appName("query-task-time")
        .config("spark.ui.enabled", "true").config("spark.ui.port", "0")
        .config("spark.sql.shuffle.partitions", "1").getOrCreate();
    try {
      StreamingQuery query = spark.readStream().schema("v LONG").option("maxFilesPerTrigger", 1)
          .json(in.toString()).writeStream().queryName("counts").trigger(Trigger.AvailableNow())
          .option("checkpointLocation", dir.resolve("checkpoint").toString())
          .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> batch.count()).start();
      query.awaitTermination();
      spark.range(5).count();

      List<JsonNode> stages = completedStages(spark, 2);
      QueryTaskTime time = new QueryTaskTime(null, List.of());
      stages.forEach(stage -> time.add("app", stage));

      QueryTaskTime.BatchStages counts = time.perBatch().get("app").get("counts");
      assertEquals(3, counts.batches(), "one entry per batch, three files one per batch");
      assertTrue(counts.stages() >= 1, "every batch ran its count: " + counts);
      assertTrue(counts.inStagesMs() >= counts.beforeFirstTaskMs() && counts.beforeFirstTaskMs() >= 0, counts::toString);
      assertEquals(List.of("counts"), List.copyOf(time.perBatch().get("app").keySet()),
          "a job outside any batch has no batch");
      long background = stages.stream().filter(s -> s.path("description").asText("").isBlank()).count();
      assertTrue(background >= 1, "the plain count ran a stage");
      assertEquals(background, time.byApp().get("app").get(QueryTaskTime.NO_QUERY).stages());
      assertEquals(stages.size() - background, time.byApp().get("app").get("counts").stages());
    } finally {
      spark.stop();
    }
  }

  /** The application's completed stages once the UI has every job's (its listener runs behind the jobs). */
  private static List<JsonNode> completedStages(SparkSession spark, int lastBatch) {
    String url = spark.sparkContext().uiWebUrl().get() + "/api/v1/applications/" + spark.sparkContext().applicationId()
        + "/stages?status=complete";
    HttpClient http = HttpClient.newHttpClient();
    return await("the UI shows the last batch's stages and the plain count's").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          List<JsonNode> stages = new ArrayList<>();
          JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).build(),
              HttpResponse.BodyHandlers.ofString()).body()).forEach(stages::add);
          return stages;
        }, stages -> stages.stream().anyMatch(s -> s.path("description").asText("").endsWith("batch = " + lastBatch))
            && stages.stream().anyMatch(s -> s.path("description").asText("").isBlank()));
  }
}
