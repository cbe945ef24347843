package io.cryptolake.streaming;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.testing.SparkJobs;
import io.cryptolake.testing.TestLake;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.junit.jupiter.api.Test;

/**
 * A kept batch and the counts taken from it cost one Spark job each, with exact results: with adaptive execution a
 * shuffle's map side is a job of its own, and the batch's driver waits for both (docs/benchmarks.md, round 25).
 */
class MaterializedBatchTest {
  @Test
  void aBatchIsKeptInOneJobAndCountedInOneMoreWithExactCounts() {
    // A session of its own, as a streaming query's batches have: the batch sets what it needs on it.
    SparkSession spark = TestLake.spark().newSession();
    String adaptive = SQLConf.ADAPTIVE_EXECUTION_ENABLED().key();
    assertEquals("true", spark.conf().get(adaptive), "Spark's default, which the session keeps");
    // 1,000 ids in two partitions, each of one of seven reasons: reasons 0-5 have 143 ids, reason 6 has 142.
    Dataset<Row> ids = spark.range(0, 1_000, 1, 2).selectExpr("id", "cast(id % 7 as string) as reason");

    SparkJobs.Counted<MaterializedBatch> kept = SparkJobs.counting(spark, () -> MaterializedBatch.of(
        ids.groupBy("reason").agg(count("*").as("n"), max("id").as("last"))));
    try (MaterializedBatch byReason = kept.result()) {
      assertEquals(1, kept.jobs(), "keeping a plan with a shuffle");
      Map<String, String> rows = new TreeMap<>();
      byReason.rows().collectAsList().forEach(r -> rows.put(r.getString(0), r.getLong(1) + "/" + r.getLong(2)));
      assertEquals(Map.of("0", "143/994", "1", "143/995", "2", "143/996", "3", "143/997", "4", "143/998",
          "5", "143/999", "6", "142/993"), rows);

      SparkJobs.Counted<List<Row>> counted = SparkJobs.counting(spark,
          () -> byReason.aggregate(batch -> batch.groupBy("n").agg(count("*"))));
      assertEquals(1, counted.jobs(), "counting the kept rows");
      assertEquals(1, counted.stages(), "counting the kept rows in one task, without a shuffle");
      Map<Long, Long> reasonsBySize = new TreeMap<>();
      counted.result().forEach(r -> reasonsBySize.put(r.getLong(0), r.getLong(1)));
      assertEquals(Map.of(142L, 1L, 143L, 6L), reasonsBySize);
    }
    assertEquals("true", spark.conf().get(adaptive), "the session's setting is put back");
  }
}
