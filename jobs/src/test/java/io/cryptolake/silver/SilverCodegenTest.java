package io.cryptolake.silver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.silver.adapters.ExchangeAdapters;
import io.cryptolake.streaming.MaterializedBatch;
import io.cryptolake.testing.TestLake;
import io.cryptolake.validation.ValidationConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.codegen.ByteCodeStats;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator$;
import org.apache.spark.sql.execution.CollectMetricsExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.runtime.BoxedUnit;

/**
 * Silver's row work runs as whole-stage compiled code: HotSpot never compiles a method over 8,000 bytes of bytecode,
 * so a larger whole-stage method would run interpreted for as long as the job runs (35% of silver's executor samples
 * in round 17), and above Spark's {@code hugeMethodLimit} (8,000 in silver's session) Spark runs the stage's
 * operators one by one instead, each task generating their code again (twice the transform's CPU for a
 * 10,000-row batch; docs/benchmarks.md, rounds 23 and 24). So silver's row work must fit: the transform,
 * which the batch keeps, and the two writes from the kept rows.
 */
class SilverCodegenTest {
  @Test
  void everyStageOfSilverRunsAsOneCompiledMethodSmallEnoughForHotSpot() {
    Dataset<Row> batch = bronzeBatch();
    for (Exchange exchange : Exchange.values()) {
      SilverTransform transform = new SilverTransform(ExchangeAdapters.of(exchange), "http://127.0.0.1:1",
          Duration.ofSeconds(1), ValidationConfig.defaults());
      Dataset<Row> validated = transform.apply(batch);
      List<Integer> sizes = new ArrayList<>();
      // As SilverStream runs them: the transform once, then the writes from the rows it kept.
      List<SparkPlan> plans = new ArrayList<>(List.of(validated.queryExecution().executedPlan()));
      try (MaterializedBatch kept = MaterializedBatch.of(validated)) {
        Dataset<Row> rows = kept.rows();
        plans.add(SilverTransform.silverRows(rows).queryExecution().executedPlan());
        plans.add(SilverTransform.dlqRows(rows, "b").queryExecution().executedPlan());
      }
      for (SparkPlan plan : plans) {
        for (WholeStageCodegenExec stage : stages(plan)) {
          ByteCodeStats stats = CodeGenerator$.MODULE$.compile(stage.doCodeGen()._2())._2();
          int size = stats.maxMethodCodeSize();
          sizes.add(size);
          assertTrue(size <= SilverTransform.HOTSPOT_HUGE_METHOD, exchange + ": a generated method of " + size
              + " bytes: Spark would run this stage's operators one by one (over spark.sql.codegen.hugeMethodLimit "
              + SilverTransform.HOTSPOT_HUGE_METHOD + ")\n" + plan);
        }
      }
      assertFalse(sizes.isEmpty(), "no whole-stage-generated code to look at");
    }
  }

  /**
   * The counts by reason that silver takes as it keeps a batch are read from the transform's own rows: the plan
   * below the observation is the transform's, computed once. With {@code count_if} Spark merged each count's
   * condition into the transform's projection, computing the verdict again for each reason (twice the CPU).
   */
  @Test
  void countingTheVerdictAsItIsKeptLeavesTheTransformAsItIs() {
    Dataset<Row> validated = new SilverTransform(ExchangeAdapters.of(Exchange.BINANCE), "http://127.0.0.1:1",
        Duration.ofSeconds(1), ValidationConfig.defaults()).apply(bronzeBatch());
    List<Column> metrics = SilverStream.BatchWriter.keptMetrics();
    SparkPlan observed = validated.observe("kept", metrics.get(0),
        metrics.subList(1, metrics.size()).toArray(Column[]::new)).queryExecution().executedPlan();

    assertTrue(observed instanceof CollectMetricsExec, "the observation on top of the plan:\n" + observed);
    SparkPlan transform = ((CollectMetricsExec) observed).child();
    assertTrue(transform.sameResult(validated.queryExecution().executedPlan()),
        "below the observation, the transform's own plan:\n" + observed);
  }

  /** An empty bronze batch, in a session of its own as a streaming query's batches have (silver sets it up). */
  private static Dataset<Row> bronzeBatch() {
    SparkSession spark = TestLake.spark().newSession();
    StructType bronze = SparkSchemaUtil.convert(Tables.bronze(Exchange.BINANCE).schema())
        .add("bronze_ingestion_timestamp", "timestamp");
    // An RDD, not local rows: Spark would fold a plan over local rows into local rows at planning.
    return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).emptyRDD(), bronze);
  }

  private static List<WholeStageCodegenExec> stages(SparkPlan plan) {
    List<WholeStageCodegenExec> stages = new ArrayList<>();
    plan.foreach(node -> {
      if (node instanceof WholeStageCodegenExec stage) {
        stages.add(stage);
      }
      return BoxedUnit.UNIT;
    });
    return stages;
  }
}
