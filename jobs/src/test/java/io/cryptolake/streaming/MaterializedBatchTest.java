package io.cryptolake.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.testing.SparkJobs;
import io.cryptolake.testing.TestLake;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.junit.jupiter.api.Test;

/**
 * A kept batch and the counts taken from it cost one Spark job each, with exact results: with adaptive execution a
 * shuffle's map side is a job of its own, and the batch's driver waits for both (docs/benchmarks.md, round 25).
 * Counts observed while the batch is kept cost no job at all (round 45).
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

  @Test
  void countsObservedWhileKeepingCostNoJobAndAreExactOrSayTheyAreNot() {
    SparkSession spark = TestLake.spark().newSession();
    // 1,000 ids in two partitions: id % 7 == 0 has no reason (143 ids), 1-5 one reason each (143), 6 "other" (142).
    Dataset<Row> ids = spark.range(0, 1_000, 1, 2).selectExpr("id",
        "case when id % 7 = 0 then null when id % 7 = 6 then 'other' else concat('r', id % 7) end as reason");
    ValueCounts known = new ValueCounts(col("reason"), List.of("r1", "r2", "r3", "r4", "r5", "other", "never"));
    List<Column> metrics = new ArrayList<>(known.metrics());
    metrics.add(max("id"));

    SparkJobs.Counted<MaterializedBatch> kept = SparkJobs.counting(spark, () -> MaterializedBatch.of(ids, metrics));
    try (MaterializedBatch batch = kept.result()) {
      assertEquals(1, kept.jobs(), "keeping the rows counts them: no job of its own");
      Map<String, Long> counts = new HashMap<>();
      counts.put(null, 143L);
      for (String reason : List.of("r1", "r2", "r3", "r4", "r5")) {
        counts.put(reason, 143L);
      }
      counts.put("other", 142L);
      assertEquals(Optional.of(counts), known.read(batch.observed(), 0), "exact, without the value no row had");
      assertEquals(999L, batch.observed().getLong(known.size()), "the metric after the counts");
      assertEquals(1_000L, batch.rows().count(), "the rows are kept whole");
    }

    ValueCounts partly = new ValueCounts(col("reason"), List.of("r1", "r2", "r3", "r4", "r5"));
    try (MaterializedBatch batch = MaterializedBatch.of(ids, partly.metrics())) {
      assertEquals(Optional.empty(), partly.read(batch.observed(), 0), "rows with a value not known: not complete");
    }
  }
}
