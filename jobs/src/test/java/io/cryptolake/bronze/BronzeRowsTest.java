package io.cryptolake.bronze;

import static org.apache.spark.sql.functions.current_timestamp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.BatchClock;
import io.cryptolake.testing.TestLake;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.metrics.source.CodegenMetrics;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Bronze's rows of a batch: the Kafka columns as they came, one ingestion time for the whole batch, and code
 * Spark compiled once for every batch. A timestamp literal (what {@code current_timestamp()} becomes in each
 * batch) is written into the generated code, so each batch compiled its stages again on the driver and in every
 * executor (docs/benchmarks.md, round 15); {@link BatchClock} keeps the code the same. And Spark keeps that code
 * compiled while the other queries of the JVM compile theirs: its cache holds a fixed number of classes (100 by
 * default, least recently used out first), fewer than the one application's queries use in a round of their
 * batches (round 48), so the product's session keeps more ({@code LakeSession}).
 */
class BronzeRowsTest {
  /** More distinct classes than Spark's default cache holds, as the one application's other queries compile. */
  private static final int OTHER_CLASSES = 150;

  private static final StructType KAFKA = new StructType()
      .add("key", DataTypes.BinaryType).add("value", DataTypes.BinaryType).add("topic", DataTypes.StringType)
      .add("partition", DataTypes.IntegerType).add("offset", DataTypes.LongType)
      .add("timestamp", DataTypes.TimestampType).add("timestampType", DataTypes.IntegerType);

  @Test
  void everyBatchAfterTheFirstRunsOnCodeCompiledBeforeAndCarriesItsOwnIngestionTime() {
    Instant first = Instant.parse("2026-12-03T23:59:59.999999Z");
    List<Row> firstRows = bronzeRows(batch(0, 40), BatchClock.at(first));
    long compiled = compilations();
    Instant second = Instant.parse("2026-12-04T00:00:00.000001Z");
    List<Row> secondRows = bronzeRows(batch(40, 25), BatchClock.at(second));
    assertEquals(compiled, compilations(), "code compiled for a second batch of the same shape");

    assertBatch(firstRows, 0, 40, first);
    assertBatch(secondRows, 40, 25, second);
  }

  @Test
  void aBatchRunsOnCodeCompiledBeforeWhateverTheOtherQueriesOfItsJvmCompiledInBetween() {
    Instant first = Instant.parse("2026-12-07T11:59:59Z");
    bronzeRows(batch(0, 20), BatchClock.at(first));
    long beforeOthers = compilations();
    for (int i = 0; i < OTHER_CLASSES; i++) {
      // An integer literal is written into the generated code: each of these is a class of its own.
      TestLake.spark().range(3).selectExpr("id * " + (1_000 + i) + " AS x").collectAsList();
    }
    long afterOthers = compilations();
    assertTrue(afterOthers - beforeOthers >= OTHER_CLASSES, "the other queries compiled only "
        + (afterOthers - beforeOthers) + " classes: fewer than the cache of Spark's default holds");

    Instant second = Instant.parse("2026-12-07T12:00:09Z");
    List<Row> rows = bronzeRows(batch(20, 15), BatchClock.at(second));
    assertEquals(afterOthers, compilations(), "the batch's code was compiled again: the cache had evicted it");
    assertBatch(rows, 20, 15, second);
  }

  @Test
  void aTimestampLiteralCompilesEveryBatchAgain() {
    bronzeRows(batch(0, 10), current_timestamp());
    long compiled = compilations();
    bronzeRows(batch(10, 10), current_timestamp());
    assertTrue(compilations() > compiled, "Spark no longer writes the literal into its code: BatchClock is moot");
  }

  private static List<Row> bronzeRows(Dataset<Row> kafka, Column ingestedAt) {
    return BronzeStream.toBronzeRows(kafka, Exchange.BINANCE, ingestedAt).collectAsList();
  }

  private static void assertBatch(List<Row> rows, long firstOffset, int count, Instant ingestedAt) {
    assertEquals(count, rows.size());
    for (int i = 0; i < count; i++) {
      Row row = rows.get(i);
      long offset = firstOffset + i;
      assertEquals(offset, (long) row.getAs("kafka_offset"));
      assertEquals("trade-" + offset, new String((byte[]) row.getAs("raw_bytes"), StandardCharsets.UTF_8));
      assertEquals("BTCUSDT", row.getAs("kafka_key"));
      assertEquals(ingestedAt, ((Timestamp) row.getAs("ingestion_timestamp")).toInstant(), "offset " + offset);
      assertEquals(LocalDate.ofInstant(ingestedAt, java.time.ZoneOffset.UTC),
          ((java.sql.Date) row.getAs("ingestion_date")).toLocalDate());
    }
  }

  private static Dataset<Row> batch(long firstOffset, int count) {
    List<Row> rows = new ArrayList<>();
    for (long offset = firstOffset; offset < firstOffset + count; offset++) {
      rows.add(RowFactory.create("BTCUSDT".getBytes(StandardCharsets.UTF_8),
          ("trade-" + offset).getBytes(StandardCharsets.UTF_8), "market.crypto.trades.binance", (int) (offset % 3),
          offset, Timestamp.from(Instant.parse("2026-12-03T12:00:00Z").plusMillis(offset)), 0));
    }
    // From an RDD, as a source's rows are: rows of a local list are projected by the optimizer, with no code.
    SparkSession spark = TestLake.spark();
    return spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 1), KAFKA);
  }

  /** Spark's count of code compilations in this JVM (the local session's driver and executor alike). */
  private static long compilations() {
    return CodegenMetrics.METRIC_COMPILATION_TIME().getCount();
  }
}
