package io.cryptolake.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.cryptolake.testing.TestLake;
import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Which trade opens and closes a bar ({@link OhlcvStream#partials}, the bars' definition, which the bars query's
 * merges keep): the first and last by trade time, ties broken by the exchange's sequence, a trade without one
 * ranking first (the unified schema allows it).
 */
class BarPartialsTest {
  private static final Instant T0 = Instant.parse("2026-11-20T10:15:00Z");
  private static final StructType TRADES = new StructType()
      .add("exchange", DataTypes.StringType).add("symbol", DataTypes.StringType)
      .add("timestamp", DataTypes.TimestampType)
      .add("price", DataTypes.createDecimalType(38, 18)).add("quantity", DataTypes.createDecimalType(38, 18))
      .add("currency", DataTypes.StringType).add("source_sequence", DataTypes.LongType);
  /** Trade time, then sequence, a missing one first: the order the bars' struct of the two gives. */
  private static final Comparator<Row> ORDER = Comparator.<Row, Timestamp>comparing(t -> t.getTimestamp(2))
      .thenComparing(t -> t.isNullAt(6) ? null : t.getLong(6), Comparator.nullsFirst(Comparator.naturalOrder()));

  @Test
  void aTradeWithoutASequenceOpensATieAndNeverClosesOne() {
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
    List<Row> bars = OhlcvStream.partials(frame(trades)).orderBy("minute").collectAsList();
    assertEquals(2, bars.size());
    Row first = bars.get(0);
    assertEquals(price("11"), first.getAs("open"));
    assertNull(first.getAs("open_sequence"));
    assertEquals(Timestamp.from(T0.plusMillis(500)), first.getAs("open_time"));
    assertEquals(price("13"), first.getAs("close"));
    assertEquals(9L, (Long) first.getAs("close_sequence"));
    assertEquals(price("15"), first.getAs("high"));
    assertEquals(6L, (Long) first.getAs("trade_count"));
    Row second = bars.get(1);
    assertEquals(price("20"), second.getAs("open"));
    assertEquals(price("21"), second.getAs("close"));
    assertNull(second.getAs("close_sequence"));
  }

  /**
   * Generated trades against the order computed in Java: a few trade times per minute so that ties are the rule,
   * sequences in no order of time from the whole range of a long, or missing (at most one missing per time: two
   * would tie, and either may open).
   */
  @Test
  void generatedTiesOpenAndCloseAsTheOrderSays() {
    for (long seed = 1; seed <= 3; seed++) {
      List<Row> trades = generated(new Random(seed), 2_000);
      Map<String, List<Row>> byBar = trades.stream().collect(Collectors.groupingBy(BarPartialsTest::barOf,
          TreeMap::new, Collectors.toList()));
      List<Row> bars = OhlcvStream.partials(frame(trades)).orderBy("exchange", "symbol", "minute").collectAsList();
      assertEquals(byBar.size(), bars.size(), "bars of seed " + seed);
      int i = 0;
      for (Map.Entry<String, List<Row>> bar : byBar.entrySet()) {
        Row open = bar.getValue().stream().min(ORDER).orElseThrow();
        Row close = bar.getValue().stream().max(ORDER).orElseThrow();
        Row actual = bars.get(i++);
        String what = bar.getKey() + ", seed " + seed;
        assertEquals(open.getDecimal(3), actual.getAs("open"), "open of " + what);
        assertEquals(open.get(6), actual.getAs("open_sequence"), "open_sequence of " + what);
        assertEquals(open.getTimestamp(2), actual.getAs("open_time"), "open_time of " + what);
        assertEquals(close.getDecimal(3), actual.getAs("close"), "close of " + what);
        assertEquals(close.get(6), actual.getAs("close_sequence"), "close_sequence of " + what);
        assertEquals(close.getTimestamp(2), actual.getAs("close_time"), "close_time of " + what);
        assertEquals((long) bar.getValue().size(), (Long) actual.getAs("trade_count"), "trade_count of " + what);
      }
    }
  }

  /** A trade's bar, in the order of exchange, symbol and minute. */
  private static String barOf(Row trade) {
    return trade.getString(0) + "/" + trade.getString(1) + "/"
        + trade.getTimestamp(2).toInstant().truncatedTo(ChronoUnit.MINUTES);
  }

  private static List<Row> generated(Random random, int count) {
    String[] exchanges = {"BINANCE", "KRAKEN"};
    String[] symbols = {"BTCUSDT", "ETHUSDT"};
    long[] extremes = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, Long.MAX_VALUE - 1, Long.MAX_VALUE};
    Set<String> usedSequences = new HashSet<>();
    Set<String> missingAt = new HashSet<>();
    List<Row> trades = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String exchange = exchanges[random.nextInt(exchanges.length)];
      String symbol = symbols[random.nextInt(symbols.length)];
      // Four times a minute: its first microsecond, two inside it, its last microsecond.
      Instant time = T0.plusSeconds(60L * random.nextInt(3)).plusNanos(1_000L * random.nextInt(4) * 19_999_999L);
      Long sequence;
      if (random.nextInt(5) == 0 && missingAt.add(exchange + symbol + time)) {
        sequence = null;
      } else {
        do {
          sequence = random.nextInt(10) == 0 ? extremes[random.nextInt(extremes.length)] : random.nextLong();
        } while (!usedSequences.add(exchange + symbol + sequence));
      }
      trades.add(RowFactory.create(exchange, symbol, Timestamp.from(time), price(String.valueOf(i + 1)),
          price("1"), "USDT", sequence));
    }
    return trades;
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
}
