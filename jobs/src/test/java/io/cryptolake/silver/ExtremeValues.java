package io.cryptolake.silver;

import io.cryptolake.schemas.DlqReason;
import io.cryptolake.schemas.Exchange;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * A generator of raw records with one extreme value in one field, for every field of both raw schemas: long
 * minimum and maximum, zero, negative, huge and tiny decimals, empty and 100,000-character strings, unusual
 * Unicode, symbols with and without a known quote currency. Each case says what silver must make of it: valid,
 * or the DLQ reasons it may get (one, wherever the value decides it). The expectations come from the spec's
 * rules, computed here in plain Java, independently of the Spark expressions under test.
 */
final class ExtremeValues {
  static final long[] LONGS = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, 1};
  static final String HUGE = "A".repeat(100_000);
  static final List<String> STRINGS = List.of("", " ", HUGE, "9".repeat(100_000), "\u0000", "🚀", "₿TC",
      "١٢٣", "\u202Eevil", "Ωmega", "ＢＵＹ");
  static final List<String> DECIMALS = List.of("", "0", "-0", "-1", "+5", ".5", "5.", "1e5", "NaN", "Infinity",
      " 1", "1,5", "١٢٣", "9".repeat(100_000), "0.000000000000000001", "0.0000000000000000001",
      "99999999999999999999.999999999999999999", "100000000000000000000", "00000000000000000000000001.5",
      "0.100000000000000000000000");
  private static final Pattern PLAIN_DECIMAL = Pattern.compile("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$");
  private static final long MAX_MILLIS = Long.MAX_VALUE / 1_000;

  /** One record, what silver must make of it (empty: valid), and the exchange symbol as Kafka key. */
  record Case(String name, Exchange exchange, GenericRecord record, Set<String> reasons) {
    boolean valid() {
      return reasons.isEmpty();
    }

    String key() {
      return String.valueOf(record.get("symbol"));
    }
  }

  private final Instant kafkaTime;
  private final List<Case> cases = new ArrayList<>();
  private long nextId = 1_000;

  /** Every case, for Kafka records stamped {@code kafkaTime}. */
  static List<Case> all(Instant kafkaTime) {
    ExtremeValues g = new ExtremeValues(kafkaTime);
    g.binance();
    g.kraken();
    return List.copyOf(g.cases);
  }

  private ExtremeValues(Instant kafkaTime) {
    this.kafkaTime = kafkaTime;
  }

  private void binance() {
    Exchange b = Exchange.BINANCE;
    STRINGS.forEach(v -> add(b, "event_type", v, r -> r.put("event_type", v), Set.of()));
    for (long v : LONGS) {
      add(b, "event_time_ms", v, r -> r.put("event_time_ms", v), Set.of());
      add(b, "ingestion_timestamp", v, r -> r.put("ingestion_timestamp", v), Set.of());
      // Extreme ids in two symbols of their own: one with ids between, one with only the minimum and maximum.
      add(b, "trade_id", v, r -> { r.put("trade_id", v); r.put("symbol", "EDGEUSDT"); }, Set.of());
    }
    add(b, "trade_id", "min alone", r -> { r.put("trade_id", Long.MIN_VALUE); r.put("symbol", "EDGE2USDT"); }, Set.of());
    add(b, "trade_id", "max alone", r -> { r.put("trade_id", Long.MAX_VALUE); r.put("symbol", "EDGE2USDT"); }, Set.of());
    symbols(b, List.of("BTCUSDT", "ETHBTC", "FOOBAR", "btc-usdt", "USDT"));
    DECIMALS.forEach(v -> add(b, "price", v, r -> r.put("price", v), decimal(v, "price")));
    DECIMALS.forEach(v -> add(b, "quantity", v, r -> r.put("quantity", v), decimal(v, "quantity")));
    long now = kafkaTime.toEpochMilli();
    for (long v : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1, MAX_MILLIS, MAX_MILLIS + 1, -MAX_MILLIS - 1,
        now + Duration.ofHours(1).toMillis(), now - Duration.ofDays(400).toMillis(), now}) {
      add(b, "trade_time_ms", v, r -> r.put("trade_time_ms", v), binanceTime(v));
    }
    for (boolean v : new boolean[] {true, false}) {
      add(b, "is_buyer_maker", v, r -> r.put("is_buyer_maker", v), Set.of());
    }
    for (Boolean v : new Boolean[] {null, true, false}) {
      add(b, "is_best_match", v, r -> r.put("is_best_match", v), Set.of());
    }
    bars(b, "price", "quantity", "OVERUSDT");
  }

  private void kraken() {
    Exchange k = Exchange.KRAKEN;
    STRINGS.forEach(v -> add(k, "ord_type", v, r -> r.put("ord_type", v), Set.of()));
    for (long v : LONGS) {
      add(k, "ingestion_timestamp", v, r -> r.put("ingestion_timestamp", v), Set.of());
      add(k, "trade_id", v, r -> { r.put("trade_id", v); r.put("symbol", "EDGE/USD"); }, Set.of());
    }
    add(k, "trade_id", "min alone", r -> { r.put("trade_id", Long.MIN_VALUE); r.put("symbol", "EDGE2/USD"); }, Set.of());
    add(k, "trade_id", "max alone", r -> { r.put("trade_id", Long.MAX_VALUE); r.put("symbol", "EDGE2/USD"); }, Set.of());
    symbols(k, List.of("BTC/USD", "BTC/", "/USD", "XBT-EUR", "FOO"));
    for (String v : List.of("buy", "sell", "BUY", "Sell", "", "hold", "ＢＵＹ", HUGE)) {
      String lower = v.toLowerCase(Locale.ROOT);
      add(k, "side", v, r -> r.put("side", v),
          lower.equals("buy") || lower.equals("sell") ? Set.of() : reason(DlqReason.INVALID_SIDE));
    }
    DECIMALS.forEach(v -> add(k, "price", v, r -> r.put("price", v), decimal(v, "price")));
    DECIMALS.forEach(v -> add(k, "qty", v, r -> r.put("qty", v), decimal(v, "quantity")));
    Set<String> outOfTime = Set.of(DlqReason.TIMESTAMP_IN_FUTURE.reason(), DlqReason.TIMESTAMP_TOO_OLD.reason());
    for (String v : List.of("", "not a time", HUGE, "2026-13-45T99:99:99Z", "+294247-01-10T04:00:54.775807Z",
        "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z", "١٩٧٠-٠١-٠١T00:00:00Z")) {
      add(k, "timestamp", v, r -> r.put("timestamp", v), outOfTime);
    }
    add(k, "timestamp", "now", r -> r.put("timestamp", kafkaTime.minusSeconds(1).toString()), Set.of());
    bars(k, "price", "qty", "OVER/USD");
  }

  /** Valid trades whose bar overflows: price x quantity beyond decimal(38,18), and quantities whose sum is. */
  private void bars(Exchange e, String price, String quantity, String symbol) {
    String max = "99999999999999999999.999999999999999999";
    add(e, "bar", "notional overflow", r -> { r.put(price, max); r.put(quantity, max); r.put("symbol", symbol); },
        Set.of());
    for (int i = 0; i < 2; i++) {
      add(e, "bar", "volume overflow " + i, r -> { r.put(quantity, "60000000000000000000"); r.put("symbol", symbol); },
          Set.of());
    }
  }

  private void symbols(Exchange e, List<String> wellFormed) {
    List<String> all = new ArrayList<>(wellFormed);
    all.addAll(STRINGS);
    for (String v : all) {
      String normalised = v.replaceAll("[^A-Za-z0-9]", "").toUpperCase(Locale.ROOT);
      add(e, "symbol", v, r -> r.put("symbol", v),
          normalised.isEmpty() ? reason(DlqReason.SYMBOL_REQUIRED) : Set.of());
    }
  }

  /** What the spec's decimal rules say of a price or quantity text: its first failing rule, if any. */
  private static Set<String> decimal(String text, String field) {
    String prefix = field + "_";
    if (!PLAIN_DECIMAL.matcher(text).matches()) {
      return Set.of(prefix + "not_numeric");
    }
    String unsigned = text.replaceFirst("^[+-]", "");
    String integer = unsigned.contains(".") ? unsigned.substring(0, unsigned.indexOf('.')) : unsigned;
    String decimals = unsigned.contains(".") ? unsigned.substring(unsigned.indexOf('.') + 1) : "";
    if (integer.replaceFirst("^0+", "").length() > 20 || decimals.replaceFirst("0+$", "").length() > 18) {
      return Set.of(prefix + "out_of_range");
    }
    return new BigDecimal(text).signum() > 0 ? Set.of() : Set.of(prefix + "must_be_positive");
  }

  private Set<String> binanceTime(long millis) {
    long kafka = kafkaTime.toEpochMilli();
    if (millis > MAX_MILLIS || millis < -MAX_MILLIS || millis > kafka + 5_000) {
      return reason(DlqReason.TIMESTAMP_IN_FUTURE);
    }
    return millis < kafka - Duration.ofDays(365).toMillis() ? reason(DlqReason.TIMESTAMP_TOO_OLD) : Set.of();
  }

  private static Set<String> reason(DlqReason reason) {
    return Set.of(reason.reason());
  }

  private void add(Exchange exchange, String field, Object value, Consumer<GenericRecord> change, Set<String> reasons) {
    GenericRecord record = baseline(exchange, nextId++);
    change.accept(record);
    String shown = String.valueOf(value);
    cases.add(new Case(exchange.id() + " " + field + "=" + (shown.length() > 24 ? shown.substring(0, 24) + "...("
        + shown.length() + " chars)" : shown), exchange, record, reasons));
  }

  /** A valid trade a second before the Kafka timestamp, with its own trade id. */
  private GenericRecord baseline(Exchange exchange, long id) {
    GenericRecord r = new GenericData.Record(exchange.rawSchema());
    Instant tradeTime = kafkaTime.minusSeconds(1);
    long micros = kafkaTime.toEpochMilli() * 1_000;
    if (exchange == Exchange.BINANCE) {
      r.put("event_type", "trade");
      r.put("event_time_ms", tradeTime.toEpochMilli());
      r.put("symbol", "BTCUSDT");
      r.put("trade_id", id);
      r.put("price", "67000.5");
      r.put("quantity", "0.01");
      r.put("trade_time_ms", tradeTime.toEpochMilli());
      r.put("is_buyer_maker", true);
      r.put("is_best_match", true);
    } else {
      r.put("symbol", "BTC/USD");
      r.put("side", "buy");
      r.put("price", "67000.5");
      r.put("qty", "0.01");
      r.put("ord_type", "limit");
      r.put("trade_id", id);
      r.put("timestamp", tradeTime.toString());
    }
    r.put("ingestion_timestamp", micros);
    return r;
  }
}
