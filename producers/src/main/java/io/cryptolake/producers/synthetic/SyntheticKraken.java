package io.cryptolake.producers.synthetic;

import io.cryptolake.producers.IngestionTime;
import io.cryptolake.schemas.Exchange;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Kraken v2 {@code trade} channel: JSON-number text, {@code BASE/QUOTE} symbols, RFC 3339 times. */
final class SyntheticKraken implements SyntheticExchange {
  static final DateTimeFormatter RFC3339_MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

  @Override
  public Exchange exchange() {
    return Exchange.KRAKEN;
  }

  @Override
  public List<String> defaultSymbols() {
    return List.of("BTC/USD", "ETH/USD", "SOL/EUR", "XRP/USD", "DOGE/USD", "PEPE/USD", "ETH/BTC");
  }

  @Override
  public String[] assets(String symbol) {
    int slash = symbol.indexOf('/');
    return slash < 0 ? new String[] {symbol, "USD"}
        : new String[] {symbol.substring(0, slash), symbol.substring(slash + 1)};
  }

  @Override
  public GenericRecord record(Market.Tick tick, Instant tradeTime, Instant ingestion) {
    GenericRecord record = new GenericData.Record(exchange().rawSchema());
    record.put("symbol", tick.symbol());
    record.put("side", tick.buyerIsAggressor() ? "buy" : "sell");
    record.put("price", tick.price().stripTrailingZeros().toPlainString());
    record.put("qty", tick.quantity().stripTrailingZeros().toPlainString());
    record.put("ord_type", tick.tradeId() % 5 == 0 ? "market" : "limit");
    record.put("trade_id", tick.tradeId());
    record.put("timestamp", RFC3339_MICROS.format(tradeTime));
    IngestionTime.stamp(record, ingestion);
    return record;
  }

  @Override
  public String priceField() {
    return "price";
  }

  @Override
  public String quantityField() {
    return "qty";
  }

  @Override
  public String symbolField() {
    return "symbol";
  }

  @Override
  public Optional<String> sideField() {
    return Optional.of("side");
  }

  @Override
  public void setTradeTime(GenericRecord record, Instant tradeTime) {
    record.put("timestamp", RFC3339_MICROS.format(tradeTime));
  }
}
