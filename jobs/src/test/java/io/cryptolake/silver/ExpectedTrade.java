package io.cryptolake.silver;

import io.cryptolake.schemas.Exchange;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.generic.GenericRecord;

/**
 * The test's own statement of what silver must make of a raw record, written out by hand from spec section 3
 * for the symbols the synthetic producer uses, to compare silver rows with field by field.
 */
record ExpectedTrade(String messageId, String tradeId, String symbol, Instant timestamp, BigDecimal price,
    BigDecimal quantity, String currency, String side, long sourceSequence, Instant ingestionTimestamp,
    Map<String, String> vendorData) {

  private static final Map<String, String> QUOTE = Map.ofEntries(
      Map.entry("BTCUSDT", "USDT"), Map.entry("ETHUSDT", "USDT"), Map.entry("SOLUSDT", "USDT"),
      Map.entry("BNBUSDT", "USDT"), Map.entry("XRPUSDC", "USDC"), Map.entry("DOGEUSDT", "USDT"),
      Map.entry("PEPEUSDT", "USDT"), Map.entry("ETHBTC", "BTC"));

  static ExpectedTrade of(Exchange exchange, GenericRecord raw) {
    long id = (Long) raw.get("trade_id");
    String rawSymbol = raw.get("symbol").toString();
    String symbol = rawSymbol.replace("/", "").toUpperCase();
    long micros = (Long) raw.get("ingestion_timestamp");
    Instant ingestion = Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
    String messageId = UUID.nameUUIDFromBytes((exchange.code() + ":" + symbol + ":" + id)
        .getBytes(StandardCharsets.UTF_8)).toString();
    if (exchange == Exchange.BINANCE) {
      boolean buyerIsMaker = (Boolean) raw.get("is_buyer_maker");
      return new ExpectedTrade(messageId, "BINANCE-" + id, symbol,
          Instant.ofEpochMilli((Long) raw.get("trade_time_ms")), new BigDecimal(raw.get("price").toString()),
          new BigDecimal(raw.get("quantity").toString()), QUOTE.get(symbol), buyerIsMaker ? "SELL" : "BUY", id,
          ingestion, Map.of("event_type", "trade", "event_time", raw.get("event_time_ms").toString(),
              "is_buyer_maker", String.valueOf(buyerIsMaker), "is_best_match", "true"));
    }
    return new ExpectedTrade(messageId, "KRAKEN-" + id, symbol, Instant.parse(raw.get("timestamp").toString()),
        new BigDecimal(raw.get("price").toString()), new BigDecimal(raw.get("qty").toString()),
        rawSymbol.substring(rawSymbol.indexOf('/') + 1), raw.get("side").toString().toUpperCase(), id,
        ingestion, Map.of("ord_type", raw.get("ord_type").toString(), "original_symbol", rawSymbol));
  }
}
