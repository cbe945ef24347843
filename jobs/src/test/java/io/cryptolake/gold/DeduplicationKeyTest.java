package io.cryptolake.gold;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.testing.TestLake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentSkipListMap;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Gold's state is keyed by the text "exchange|symbol|trade_id", which a Java function built from each row until
 * the key became a column expression. Running checkpoints hold those keys: the expression must give the same text
 * for every row, and a checkpoint written with the function must go on with the expression.
 */
class DeduplicationKeyTest {
  private static final StructType TRADES = new StructType().add("exchange", DataTypes.StringType)
      .add("symbol", DataTypes.StringType).add("trade_id", DataTypes.StringType)
      .add("timestamp", DataTypes.TimestampType);
  private static final ExpiryChecks CHECKS = new ExpiryChecks(300_000, 60_000, 10_000);
  private static final String[] PIECES = {"", "|", "||", " ", "BTC", "usdt", "é", "中文", "\uD83D\uDE00", "null", "0",
      "123456789012345678901234567890", "a|b", "\t"};

  /** Generated parts: nulls, empty text, the separator itself, the word null and characters outside ASCII. */
  @Test
  void theKeyIsTheTextTheStateHolds() {
    Random random = new Random(38);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 3_000; i++) {
      rows.add(RowFactory.create(part(random), part(random), part(random), null));
    }
    int withNull = 0;
    for (Row row : TestLake.spark().createDataFrame(rows, TRADES)
        .withColumn("key", GoldStream.deduplicationKey()).collectAsList()) {
      assertEquals(functionKey(row), row.getAs("key"), row.toString());
      withNull += row.isNullAt(0) || row.isNullAt(1) || row.isNullAt(2) ? 1 : 0;
    }
    assertTrue(withNull > 500, "rows with a missing part: " + withNull);
  }

  /**
   * Gold's state written by the key function's query, then the same checkpoint run by today's: the trade seen
   * before is a duplicate, the new one is new (Spark would refuse the checkpoint if the state's key changed).
   */
  @Test
  void aCheckpointKeyedByTheFunctionGoesOn() throws Exception {
    SparkSession spark = TestLake.spark();
    Path dir = Files.createTempDirectory("dedup-key");
    String input = dir.resolve("in").toUri().toString();
    String checkpoint = dir.resolve("checkpoint").toUri().toString();
    Timestamp now = new Timestamp(System.currentTimeMillis());

    append(spark, input, List.of(RowFactory.create("binance", "BTCUSDT", "1", now),
        RowFactory.create("binance", "BTCUSDT", "2", now)));
    Dataset<Row> first = spark.readStream().schema(TRADES).json(input).withWatermark("timestamp", "5 minutes");
    Dataset<Row> byFunction = first
        .groupByKey((MapFunction<Row, String>) DeduplicationKeyTest::functionKey, Encoders.STRING())
        .flatMapGroupsWithState(new PerKeyDeduplicator(CHECKS, TRADES.fieldIndex("timestamp")),
            OutputMode.Append(), Encoders.LONG(), Encoders.row(TRADES.add(GoldStream.DISPOSITION,
                DataTypes.StringType)), GroupStateTimeout.ProcessingTimeTimeout());
    assertEquals(Map.of("1", "NEW", "2", "NEW"), run(spark, byFunction, checkpoint, "dedup_key_function"));
    assertEquals(DeduplicationLayout.PER_KEY, DeduplicationLayout.of(spark, checkpoint),
        "a checkpoint keyed per key goes on per key");

    append(spark, input, List.of(RowFactory.create("binance", "BTCUSDT", "1", now),
        RowFactory.create("binance", "BTCUSDT", "3", now)));
    Dataset<Row> second = spark.readStream().schema(TRADES).json(input);
    assertEquals(Map.of("1", "DUPLICATE", "3", "NEW"),
        run(spark, GoldStream.perKey(spark, second, CHECKS), checkpoint, "dedup_key_column"));
  }

  private static void append(SparkSession spark, String dir, List<Row> rows) {
    spark.createDataFrame(rows, TRADES).coalesce(1).write().mode(SaveMode.Append).json(dir);
  }

  /** Runs the query over what the source has, as gold does (no batches without data), and returns trade id to disposition. */
  private static Map<String, String> run(SparkSession spark, Dataset<Row> decided, String checkpoint, String name)
      throws Exception {
    String key = "spark.sql.streaming.noDataMicroBatches.enabled";
    spark.conf().set(key, "false");
    Map<String, String> dispositions = new ConcurrentSkipListMap<>();
    StreamingQuery query;
    try {
      query = decided.writeStream().queryName(name).option("checkpointLocation", checkpoint)
          .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> batch
              .select(col("trade_id"), col(GoldStream.DISPOSITION)).collectAsList()
              .forEach(row -> dispositions.put(row.getString(0), row.getString(1))))
          .start();
    } finally {
      spark.conf().unset(key);
    }
    try {
      query.processAllAvailable();
    } finally {
      query.stop();
    }
    return dispositions;
  }

  private static String functionKey(Row row) {
    return row.getAs("exchange") + "|" + row.getAs("symbol") + "|" + row.getAs("trade_id");
  }

  private static String part(Random random) {
    if (random.nextInt(10) == 0) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(4); i > 0; i--) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return text.toString();
  }
}
