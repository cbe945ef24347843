package io.cryptolake.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.testing.SparkJobs;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Storage;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A job that starts on an empty checkpoint counts what its outputs hold. On a new deployment every table is new:
 * its metadata says so, and the count must not cost a Spark job per table on executors that have not run
 * anything yet (one such job took 3.2 s of a 31 s cold start in the benchmark, docs/benchmarks.md round 22).
 */
class EmptyCheckpointTest {
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
    SparkJobs.Counted<Long> counted = SparkJobs.counting(spark, () -> output.rows(spark));
    return new Counted(counted.result(), counted.jobs());
  }
}
