package io.cryptolake.streaming;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Storage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A job that starts on an empty checkpoint counts what its outputs hold. On a new deployment every table is new:
 * its metadata says so, and the count must not cost a Spark job per table on executors that have not run
 * anything yet (one such job took 3.2 s of a 31 s cold start in the benchmark, docs/benchmarks.md round 22).
 */
class EmptyCheckpointTest {
  private static final String TAG = "cryptolake.test.empty-checkpoint";

  @Test
  void anOutputsRowsAreCountedFromItsMetadataWhileItHasNone() {
    SparkSession spark = TestLake.spark();
    TestLake.Lake lake = TestLake.lake("empty_output", Storage.LOCAL);
    String table = lake.config().qualified("empty_output_rows");
    EmptyCheckpoint.Output output = new EmptyCheckpoint.Output(table, "id > 1");

    assertEquals(new Counted(0, 0), counted(spark, output), "a table that does not exist");
    spark.sql("CREATE TABLE " + table + " (id BIGINT) USING iceberg");
    assertEquals(new Counted(0, 0), counted(spark, output), "a table without a snapshot");

    spark.sql("INSERT INTO " + table + " VALUES (1), (2), (3)");
    Counted withRows = counted(spark, output);
    assertEquals(2, withRows.rows(), "a table with rows is counted, with its filter");
    assertTrue(withRows.jobs() > 0, "counting rows takes a Spark job: " + withRows);
  }

  private record Counted(long rows, long jobs) {}

  /** The output's rows, and how many Spark jobs counting them started. */
  private static Counted counted(SparkSession spark, EmptyCheckpoint.Output output) {
    List<String> tags = new CopyOnWriteArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        String tag = start.properties() == null ? null : start.properties().getProperty(TAG);
        if (tag != null) {
          tags.add(tag);
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      spark.sparkContext().setLocalProperty(TAG, "count");
      long rows = output.rows(spark);
      // The listener hears of jobs in order: once it has heard of this one, it has heard of the count's.
      spark.sparkContext().setLocalProperty(TAG, "sentinel");
      spark.range(1).count();
      await("the listener heard of the sentinel job").atMost(Duration.ofSeconds(30))
          .until(() -> tags.contains("sentinel"));
      return new Counted(rows, tags.stream().filter("count"::equals).count());
    } finally {
      spark.sparkContext().setLocalProperty(TAG, null);
      spark.sparkContext().removeSparkListener(listener);
    }
  }
}
