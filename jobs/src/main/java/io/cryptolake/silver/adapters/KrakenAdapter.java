package io.cryptolake.silver.adapters;

import static org.apache.spark.sql.functions.is_valid_utf8;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.cryptolake.schemas.Exchange;
import io.cryptolake.silver.AsciiCase;
import org.apache.spark.sql.Column;

/** Kraken v2 {@code trade}: BASE/QUOTE symbols, taker side text, RFC 3339 times. */
public final class KrakenAdapter implements ExchangeAdapter {
  @Override
  public Exchange exchange() {
    return Exchange.KRAKEN;
  }

  @Override
  public Column symbol(Column raw) {
    return Symbols.normalised(raw.getField("symbol"));
  }

  @Override
  public Column tradeTime(Column raw) {
    return raw.getField("timestamp").try_cast("timestamp");
  }

  @Override
  public Column priceText(Column raw) {
    return raw.getField("price");
  }

  @Override
  public Column quantityText(Column raw) {
    return raw.getField("qty");
  }

  @Override
  public Column side(Column raw) {
    // No Unicode character lower-cases to one of the ASCII letters of "buy" or "sell", so ASCII case suffices.
    Column side = AsciiCase.lower(raw.getField("side"));
    return when(side.equalTo("buy"), lit("BUY")).when(side.equalTo("sell"), lit("SELL"));
  }

  @Override
  public Column currency(Column raw) {
    Column symbol = raw.getField("symbol");
    Column quote = substring_index(symbol, "/", -1);
    // Spark's upper case maps through ICU, whose first use costs each executor JVM about a second of CPU
    // (docs/benchmarks.md, round 36). ASCII text (one byte per character of valid UTF-8) gets the same answer
    // from ASCII case; any other text still gets Spark's.
    Column ascii = is_valid_utf8(quote).and(octet_length(quote).equalTo(length(quote)));
    return when(symbol.contains("/"), when(ascii, AsciiCase.upper(quote)).otherwise(upper(quote)));
  }

  @Override
  public Column tradeId(Column raw) {
    return raw.getField("trade_id");
  }

  @Override
  public Column vendorData(Column raw) {
    return map(lit("ord_type"), raw.getField("ord_type"), lit("original_symbol"), raw.getField("symbol"));
  }
}
