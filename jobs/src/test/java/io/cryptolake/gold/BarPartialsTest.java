package io.cryptolake.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cryptolake.testing.TestLake;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A micro-batch's bars in two passes ({@link OhlcvStream#batchSums}, {@link OhlcvStream#partialsOfABatch})
 * against the bars' definition in one aggregation ({@link OhlcvStream#partials}): open and close by trade time,
 * then sequence, a missing sequence first.
 */
class BarPartialsTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:15:00Z");
  private static final StructType TRADES = new StructType()
      .add("exchange", DataTypes.StringType).add("symbol", DataTypes.StringType)
      .add("timestamp", DataTypes.TimestampType)
      .add("price", DataTypes.createDecimalType(38, 18)).add("quantity", DataTypes.createDecimalType(38, 18))
      .add("currency", DataTypes.StringType).add("source_sequence", DataTypes.LongType);
  private static final List<String> EXACT = List.of("exchange", "symbol", "currency", "minute", "open", "high", "low",
      "close", "volume", "quote_volume", "trade_count", "open_time", "open_sequence", "close_time", "close_sequence");

  /** Ties of trade time broken by sequence; a trade without one ranks first, so it opens and never closes a tie. */
  @Test
  void openAndCloseRankAMissingSequenceFirstInBothComputations() {
    List<Row> trades = List.of(
        trade("BTCUSDT", T0.plusMillis(500), "10", 7L),
        trade("BTCUSDT", T0.plusMillis(500), "11", null),
        trade("BTCUSDT", T0.plusSeconds(30), "12", 3L),
        trade("BTCUSDT", T0.plusSeconds(59), "13", 9L),
        trade("BTCUSDT", T0.plusSeconds(59), "14", null),
        trade("BTCUSDT", T0.plusSeconds(59), "15", 8L),
        // A minute whose only trades lack a sequence: opened and closed by trade time alone.
        trade("BTCUSDT", T0.plusSeconds(61), "20", null),
        trade("BTCUSDT", T0.plusSeconds(62), "21", null));
    Dataset<Row> frame = frame(trades);
    for (Dataset<Row> bars : List.of(OhlcvStream.partials(frame), twoPasses(frame))) {
      List<Row> rows = bars.orderBy("minute").collectAsList();
      assertEquals(2, rows.size());
      Row first = rows.get(0);
      assertEquals(price("11"), first.getAs("open"));
      assertNull(first.getAs("open_sequence"));
      assertEquals(Timestamp.from(T0.plusMillis(500)), first.getAs("open_time"));
      assertEquals(price("13"), first.getAs("close"));
      assertEquals(9L, (Long) first.getAs("close_sequence"));
      assertEquals(price("15"), first.getAs("high"));
      assertEquals(6L, (Long) first.getAs("trade_count"));
      Row second = rows.get(1);
      assertEquals(price("20"), second.getAs("open"));
      assertEquals(price("21"), second.getAs("close"));
      assertNull(second.getAs("close_sequence"));
    }
  }

  /**
   * Generated batches: a few trade times per minute so that ties are the rule, sequences in no order of time from
   * the whole range of a long or missing (at most one missing per time, else the open is either of two trades),
   * prices and quantities from tiny to overflowing. One currency per symbol, as the exchanges' adapters give it
   * (with two, either computation keeps any one of them).
   */
  @Test
  void generatedBatchesGiveTheDefinitionsBars() {
    for (long seed = 1; seed <= 3; seed++) {
      List<Row> trades = generated(new Random(seed), 3_000);
      Dataset<Row> frame = frame(trades);
      List<Row> expected = OhlcvStream.partials(frame).orderBy("exchange", "symbol", "minute").collectAsList();
      List<Row> actual = twoPasses(frame).orderBy("exchange", "symbol", "minute").collectAsList();
      assertEquals(expected.size(), actual.size(), "bars of seed " + seed);
      for (int i = 0; i < expected.size(); i++) {
        for (String column : EXACT) {
          assertEquals((Object) expected.get(i).getAs(column), actual.get(i).getAs(column),
              column + " of " + expected.get(i) + ", seed " + seed);
        }
        for (String column : List.of("vwap", "price_quantity_sum", "quantity_sum")) {
          assertClose(expected.get(i).get(expected.get(i).fieldIndex(column)),
              actual.get(i).get(actual.get(i).fieldIndex(column)), column + ", seed " + seed);
        }
      }
    }
  }

  private static List<Row> generated(Random random, int count) {
    String[] exchanges = {"BINANCE", "KRAKEN"};
    String[] symbols = {"BTCUSDT", "ETHUSDT", "PEPEUSDT"};
    long[] extremes = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE};
    String[] prices = {"0.000000000000000001", "1", "99.5", "64000.123456789012345678",
        "99999999999999999999.999999999999999999"};
    String[] quantities = {"0.000000000000000001", "0.5", "3", "60000000000000000000"};
    Set<String> usedSequences = new HashSet<>();
    Set<String> missingAt = new HashSet<>();
    List<Row> trades = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String exchange = exchanges[random.nextInt(exchanges.length)];
      String symbol = symbols[random.nextInt(symbols.length)];
      Instant time = T0.plusSeconds(60L * random.nextInt(4)).plusNanos(1_000L * random.nextInt(4) * 19_999_999L);
      String place = exchange + symbol + time;
      Long sequence;
      if (random.nextInt(5) == 0 && missingAt.add(place)) {
        sequence = null;
      } else {
        do {
          sequence = random.nextInt(10) == 0 ? extremes[random.nextInt(extremes.length)] : random.nextLong();
        } while (!usedSequences.add(exchange + symbol + sequence));
      }
      trades.add(RowFactory.create(exchange, symbol, Timestamp.from(time), price(prices[random.nextInt(prices.length)]),
          price(quantities[random.nextInt(quantities.length)]), "USDT", sequence));
    }
    return trades;
  }

  private static Dataset<Row> twoPasses(Dataset<Row> trades) {
    return OhlcvStream.partialsOfABatch(trades, OhlcvStream.batchSums(trades));
  }

  private static Row trade(String symbol, Instant time, String price, Long sequence) {
    return RowFactory.create("BINANCE", symbol, Timestamp.from(time), price(price), price("1"), "USDT", sequence);
  }

  private static BigDecimal price(String value) {
    return new BigDecimal(value).setScale(18);
  }

  private static Dataset<Row> frame(List<Row> trades) {
    return TestLake.spark().createDataFrame(trades, TRADES);
  }

  private static void assertClose(Object expected, Object actual, String what) {
    assertEquals(expected == null, actual == null, what);
    if (expected != null) {
      double e = ((Number) expected).doubleValue();
      assertEquals(e, ((Number) actual).doubleValue(), Math.abs(e) * 1e-12, what);
    }
  }
}
