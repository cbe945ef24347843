package io.cryptolake.silver;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.testing.TestLake;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The column expression gives Java's name-based UUID for any name: every variant nibble, any characters. */
class NameBasedUuidTest {
  @Test
  void equalsJavasNameUuidForGeneratedNames() {
    Random random = new Random(20261204);
    List<String> names = new ArrayList<>(List.of("", "BIN:BTCUSDT:1", "KRK:XBTUSD:9223372036854775807", "é€😀"));
    while (names.size() < 5_000) {
      StringBuilder name = new StringBuilder();
      for (int i = random.nextInt(40); i > 0; i--) {
        name.appendCodePoint(random.nextInt(4) == 0 ? 0x80 + random.nextInt(0x2000) : 0x20 + random.nextInt(0x5f));
      }
      names.add(name.toString());
    }
    SparkSession spark = TestLake.spark();
    // An RDD, not local rows: over local rows Spark evaluates the expression interpreted, at planning.
    List<Row> rows = spark.createDataset(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(names, 2)
            .rdd(), Encoders.STRING())
        .select(col("value"), NameBasedUuid.of(col("value")).as("uuid")).collectAsList();
    assertEquals(names.size(), rows.size());
    for (Row row : rows) {
      String name = row.getString(0);
      assertEquals(UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString(), row.getString(1), name);
    }
  }
}
