package io.cryptolake.silver;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.silver.adapters.ExchangeAdapters;
import io.cryptolake.testing.TestLake;
import io.cryptolake.validation.ValidationConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.expressions.codegen.ByteCodeStats;
import org.apache.spark.sql.catalyst.expressions.codegen.CodeGenerator$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.runtime.BoxedUnit;

/**
 * Silver's row work runs as compiled code: HotSpot never compiles a method over 8,000 bytes of bytecode, so a
 * whole-stage-generated method larger than that runs interpreted for as long as the job runs (35% of silver's
 * executor samples before; docs/benchmarks.md, round 17), unless Spark's {@code hugeMethodLimit} in silver's session
 * makes Spark run that stage's operators separately.
 */
class SilverCodegenTest {
  @Test
  void noGeneratedMethodOfSilversPlanIsTooLargeForHotSpotToCompile() {
    // A session of its own, as a streaming query's batches have: silver sets what it needs on it.
    SparkSession spark = TestLake.spark().newSession();
    StructType bronze = SparkSchemaUtil.convert(Tables.bronze(Exchange.BINANCE).schema())
        .add("bronze_ingestion_timestamp", "timestamp");
    // An RDD, not local rows: Spark would fold a plan over local rows into local rows at planning.
    Dataset<Row> batch = spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).emptyRDD(),
        bronze);
    for (Exchange exchange : Exchange.values()) {
      SilverTransform transform = new SilverTransform(ExchangeAdapters.of(exchange), "http://127.0.0.1:1",
          Duration.ofSeconds(1), ValidationConfig.defaults());
      Dataset<Row> validated = transform.apply(batch);
      long limit = spark.sessionState().conf().hugeMethodLimit();
      List<Integer> sizes = new ArrayList<>();
      for (SparkPlan plan : List.of(validated.queryExecution().executedPlan(),
          SilverTransform.silverRows(validated).queryExecution().executedPlan(),
          SilverTransform.dlqRows(validated, "b").queryExecution().executedPlan())) {
        for (WholeStageCodegenExec stage : stages(plan)) {
          ByteCodeStats stats = CodeGenerator$.MODULE$.compile(stage.doCodeGen()._2())._2();
          int size = stats.maxMethodCodeSize();
          sizes.add(size);
          // Spark runs the stage without whole-stage code generation when its largest method exceeds the limit.
          assertTrue(size <= SilverTransform.HOTSPOT_HUGE_METHOD || size > limit, exchange + ": a generated method of "
              + size + " bytes, which HotSpot does not compile, runs as it is (spark.sql.codegen.hugeMethodLimit "
              + limit + ")\n" + plan);
        }
      }
      assertFalse(sizes.isEmpty(), "no whole-stage-generated code to look at");
    }
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
