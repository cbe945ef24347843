package io.cryptolake.silver.adapters;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.testing.TestLake;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The quote currency of generated symbols is the longest listed quote the normalised symbol ends with. */
class BinanceAdapterTest {
  @Test
  void currencyIsTheListedQuoteTheSymbolEndsWith() {
    Random random = new Random(4122026);
    List<String> symbols = new ArrayList<>(List.of("", "USDT", "usdt", "XUSDT", "BTC-USDT", "FDUSD", "AFDUSD",
        "BTCUSD", "ETHBTC", "BTC", "éUSDT", "1INCHDAI"));
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz0123456789-_/ ";
    while (symbols.size() < 5_000) {
      StringBuilder symbol = new StringBuilder();
      for (int i = random.nextInt(6); i > 0; i--) {
        symbol.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      if (random.nextInt(4) > 0) {
        String quote = BinanceAdapter.QUOTES.get(random.nextInt(BinanceAdapter.QUOTES.size()));
        symbol.append(random.nextBoolean() ? quote : quote.toLowerCase(Locale.ROOT));
      }
      symbols.add(symbol.toString());
    }
    SparkSession spark = TestLake.spark();
    Column raw = struct(col("value").as("symbol"));
    // An RDD, not local rows: over local rows Spark evaluates the expression interpreted, at planning.
    List<Row> rows = spark.createDataset(JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(symbols, 2)
            .rdd(), Encoders.STRING())
        .select(col("value"), new BinanceAdapter().currency(raw)).collectAsList();
    assertEquals(symbols.size(), rows.size());
    for (Row row : rows) {
      assertEquals(expected(row.getString(0)), row.getString(1), row.getString(0));
    }
  }

  /** The first quote the normalised symbol ends with, after at least one character; NULL for none. */
  private static String expected(String symbol) {
    String normalised = symbol.replaceAll("[^A-Za-z0-9]", "").toUpperCase(Locale.ROOT);
    return BinanceAdapter.QUOTES.stream().filter(q -> normalised.endsWith(q) && !normalised.equals(q))
        .max(Comparator.comparingInt(String::length)).orElse(null);
  }
}
