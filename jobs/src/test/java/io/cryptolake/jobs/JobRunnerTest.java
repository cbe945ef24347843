package io.cryptolake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.streaming.QuerySupervisor.RestartPolicy;
import io.cryptolake.testing.TestLake;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;

/** A job with several queries fails as a whole as soon as one of them fails for good, whichever it is. */
class JobRunnerTest {

  @Test
  void aJobExitsOneAsSoonAsAnyQueryGivesUpAndStopsTheOthers() throws Exception {
    SparkSession spark = TestLake.spark();
    // The healthy query comes first, as gold's de-duplication comes before its bars.
    Supplier<StreamingQuery> healthy = () -> start(rate(spark, "healthy").format("noop"));
    Supplier<StreamingQuery> poisoned = () -> start(rate(spark, "poisoned")
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
          throw new IllegalStateException("a batch that fails on every retry");
        }));
    CompletableFuture<Integer> job = CompletableFuture.supplyAsync(() -> JobRunner.superviseStreaming("two-queries",
        spark, List.of(), List.of(healthy, poisoned), new RestartPolicy(2, Duration.ofMillis(100), Duration.ofMillis(200))));
    assertEquals(1, job.get(3, TimeUnit.MINUTES), "the job's exit status");
    assertEquals(0, spark.streams().active().length, "no query of the job is left running");
  }

  /**
   * A query that cannot start as configured (here: its source table does not exist) stops the job after its
   * first start, however many restarts the policy allows; it used to be retried for 16 minutes.
   */
  @Test
  void aQueryThatCannotRunAsConfiguredIsNotRestarted() throws Exception {
    SparkSession spark = TestLake.spark();
    AtomicInteger starts = new AtomicInteger();
    Supplier<StreamingQuery> misconfigured = () -> {
      starts.incrementAndGet();
      return start(spark.readStream().table("no_such_catalog_table").writeStream().queryName("misconfigured")
          .format("noop"));
    };
    int status = JobRunner.superviseStreaming("misconfigured", spark, List.of(), List.of(misconfigured),
        new RestartPolicy(20, Duration.ofMillis(10), Duration.ofMillis(10)));
    assertEquals(1, status, "the job's exit status");
    assertEquals(1, starts.get(), "starts of a query that cannot run as configured");
  }

  private static DataStreamWriter<Row> rate(SparkSession spark, String name) {
    try {
      return spark.readStream().format("rate").option("rowsPerSecond", "5").load().writeStream().queryName(name)
          .trigger(Trigger.ProcessingTime("200 milliseconds"))
          .option("checkpointLocation", Files.createTempDirectory(name).toUri().toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static StreamingQuery start(DataStreamWriter<Row> writer) {
    try {
      return writer.start();
    } catch (TimeoutException e) {
      throw new IllegalStateException(e);
    }
  }
}
