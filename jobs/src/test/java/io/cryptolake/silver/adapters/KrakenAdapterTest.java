package io.cryptolake.silver.adapters;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.testing.TestLake;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Kraken's quote currency: the symbol's text after its last {@code /}, upper case as Spark's {@code upper} gives it,
 * for generated symbols of ASCII, other Unicode text and bytes that are not UTF-8 at all.
 */
class KrakenAdapterTest {
  private static final String ASCII = "ABCXYZabcxyz019/ -_.";
  private static final String[] OTHER = {"é", "ß", "ı", "İ", "ﬁ", "σ", "Ω", "ǅ", "€", "😀", "\u0000"};

  @Test
  void currencyIsSparksUpperCaseOfTheTextAfterTheLastSlash() {
    Random random = new Random(5122026);
    List<byte[]> symbols = new ArrayList<>();
    for (String fixed : new String[] {"", "/", "XBT/USD", "xbt/usd", "XBT/", "/usd", "a/b/eur", "ETH/é", "x/ßtr"}) {
      symbols.add(fixed.getBytes(StandardCharsets.UTF_8));
    }
    while (symbols.size() < 5_000) {
      StringBuilder text = new StringBuilder();
      for (int i = random.nextInt(9); i > 0; i--) {
        text.append(random.nextInt(5) > 0 ? String.valueOf(ASCII.charAt(random.nextInt(ASCII.length())))
            : OTHER[random.nextInt(OTHER.length)]);
        if (random.nextInt(4) == 0) {
          text.append('/');
        }
      }
      byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
      if (random.nextInt(10) == 0 && bytes.length > 0) {
        bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x80));
      }
      symbols.add(bytes);
    }
    SparkSession spark = TestLake.spark();
    // An RDD, not local rows: over local rows Spark evaluates the expression interpreted, at planning.
    Column symbol = col("symbol");
    List<Row> rows = spark.createDataset(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(symbols, 2)
            .rdd(), Encoders.BINARY())
        .select(col("value").cast("string").as("symbol"))
        .select(symbol, new KrakenAdapter().currency(struct(symbol)),
            when(symbol.contains("/"), upper(substring_index(symbol, "/", -1))))
        .collectAsList();
    assertEquals(symbols.size(), rows.size());
    int ascii = 0;
    int other = 0;
    for (Row row : rows) {
      assertEquals(row.getString(2), row.getString(1), row.getString(0));
      if (row.getString(1) != null) {
        boolean isAscii = row.getString(1).chars().allMatch(c -> c < 0x80);
        ascii += isAscii ? 1 : 0;
        other += isAscii ? 0 : 1;
      }
    }
    // Both ways through the expression are taken, many times each.
    assertTrue(ascii > 500 && other > 500, ascii + " ASCII quotes, " + other + " others");
  }
}
