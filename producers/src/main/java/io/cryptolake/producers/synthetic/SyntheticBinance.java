package io.cryptolake.producers.synthetic;

import io.cryptolake.producers.IngestionTime;
import io.cryptolake.schemas.Exchange;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** Binance {@code <symbol>@trade} events: fixed eight-decimal text, side implied by {@code m}. */
final class SyntheticBinance implements SyntheticExchange {
  private static final List<String> QUOTES = List.of("USDT", "USDC", "FDUSD", "BTC", "ETH", "EUR", "TRY");

  @Override
  public Exchange exchange() {
    return Exchange.BINANCE;
  }

  @Override
  public List<String> defaultSymbols() {
    return List.of("BTCUSDT", "ETHUSDT", "SOLUSDT", "BNBUSDT", "XRPUSDC", "DOGEUSDT", "PEPEUSDT", "ETHBTC");
  }

  @Override
  public String[] assets(String symbol) {
    for (String quote : QUOTES) {
      if (symbol.endsWith(quote) && symbol.length() > quote.length()) {
        return new String[] {symbol.substring(0, symbol.length() - quote.length()), quote};
      }
    }
    return new String[] {symbol, "USDT"};
  }

  @Override
  public GenericRecord record(Market.Tick tick, Instant tradeTime, Instant ingestion) {
    GenericRecord record = new GenericData.Record(exchange().rawSchema());
    record.put("event_type", "trade");
    record.put("event_time_ms", tradeTime.toEpochMilli() + 1);
    record.put("symbol", tick.symbol());
    record.put("trade_id", tick.tradeId());
    record.put("price", tick.price().setScale(8, RoundingMode.HALF_UP).toPlainString());
    record.put("quantity", tick.quantity().setScale(8, RoundingMode.HALF_UP).toPlainString());
    record.put("trade_time_ms", tradeTime.toEpochMilli());
    record.put("is_buyer_maker", !tick.buyerIsAggressor());
    record.put("is_best_match", Boolean.TRUE);
    IngestionTime.stamp(record, ingestion);
    return record;
  }

  @Override
  public String priceField() {
    return "price";
  }

  @Override
  public String quantityField() {
    return "quantity";
  }

  @Override
  public String symbolField() {
    return "symbol";
  }

  @Override
  public Optional<String> sideField() {
    return Optional.empty();
  }

  @Override
  public void setTradeTime(GenericRecord record, Instant tradeTime) {
    record.put("trade_time_ms", tradeTime.toEpochMilli());
    record.put("event_time_ms", tradeTime.toEpochMilli() + 1);
  }
}
