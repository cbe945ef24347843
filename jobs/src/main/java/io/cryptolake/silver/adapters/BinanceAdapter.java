package io.cryptolake.silver.adapters;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.when;

import io.cryptolake.schemas.Exchange;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;

/** Binance {@code <symbol>@trade}: side from {@code m}, quote currency from the symbol's known suffix. */
public final class BinanceAdapter implements ExchangeAdapter {
  /** Quote assets Binance lists, longest first: the longest that ends the symbol (and is not all of it) wins. */
  static final List<String> QUOTES = List.of("FDUSD", "USDT", "USDC", "BUSD", "TUSD", "USDP", "DAI", "BTC",
      "ETH", "BNB", "EUR", "TRY", "BRL", "GBP", "JPY", "AUD");

  @Override
  public Exchange exchange() {
    return Exchange.BINANCE;
  }

  @Override
  public Column symbol(Column raw) {
    return Symbols.normalised(raw.getField("symbol"));
  }

  /** Milliseconds a timestamp (microseconds in a long) can hold; outside them, NULL, which fails the time rules. */
  static final long MAX_MILLIS = Long.MAX_VALUE / 1_000;

  @Override
  public Column tradeTime(Column raw) {
    Column millis = raw.getField("trade_time_ms");
    // timestamp_millis throws on overflow (ANSI), in every retry: the record must fail a rule instead.
    return when(millis.between(-MAX_MILLIS, MAX_MILLIS), timestamp_millis(millis));
  }

  @Override
  public Column priceText(Column raw) {
    return raw.getField("price");
  }

  @Override
  public Column quantityText(Column raw) {
    return raw.getField("quantity");
  }

  /** {@code m = true}: the buyer was the maker, so the aggressor sold. */
  @Override
  public Column side(Column raw) {
    Column buyerIsMaker = raw.getField("is_buyer_maker");
    return when(buyerIsMaker.equalTo(true), lit("SELL")).when(buyerIsMaker.equalTo(false), lit("BUY"));
  }

  /**
   * One set lookup per quote length, longest first, rather than a branch per quote: the same answer (distinct
   * quotes of one length cannot both end a symbol), in less generated code per row, which keeps silver's stage
   * within the size HotSpot compiles (docs/benchmarks.md, round 24).
   */
  @Override
  public Column currency(Column raw) {
    Column symbol = symbol(raw);
    Map<Integer, List<String>> byLength = QUOTES.stream().collect(
        Collectors.groupingBy(String::length, () -> new TreeMap<>(Comparator.reverseOrder()), Collectors.toList()));
    Column currency = null;
    for (Map.Entry<Integer, List<String>> quotes : byLength.entrySet()) {
      int length = quotes.getKey();
      Column suffix = substring(symbol, -length, length);
      // A literal array, not isin: Spark writes isin's values out as a branch each, array_contains loops over them.
      Column quotedIn = length(symbol).gt(length)
          .and(array_contains(array(quotes.getValue().stream().map(q -> lit(q)).toArray(Column[]::new)), suffix));
      currency = currency == null ? when(quotedIn, suffix) : currency.when(quotedIn, suffix);
    }
    return currency;
  }

  @Override
  public Column tradeId(Column raw) {
    return raw.getField("trade_id");
  }

  @Override
  public Column vendorData(Column raw) {
    return map(
        lit("event_type"), raw.getField("event_type"),
        lit("event_time"), raw.getField("event_time_ms").cast("string"),
        lit("is_buyer_maker"), raw.getField("is_buyer_maker").cast("string"),
        lit("is_best_match"), raw.getField("is_best_match").cast("string"));
  }
}
