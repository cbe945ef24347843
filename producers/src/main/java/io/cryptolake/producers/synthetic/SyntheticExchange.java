package io.cryptolake.producers.synthetic;

import io.cryptolake.schemas.Exchange;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.avro.generic.GenericRecord;

/**
 * How one exchange's raw record looks: the shape of its trades and where its fields are, so that fault kinds
 * can be applied without knowing the exchange. One implementation per exchange.
 */
interface SyntheticExchange {
  /** The module's lookup from exchange to synthetic adapter: a third exchange does not compile without a case. */
  static SyntheticExchange of(Exchange exchange) {
    return switch (exchange) {
      case BINANCE -> new SyntheticBinance();
      case KRAKEN -> new SyntheticKraken();
    };
  }

  Exchange exchange();

  List<String> defaultSymbols();

  /** The base and quote asset of one of this exchange's symbols. */
  String[] assets(String symbol);

  /** A well-formed raw record of the tick. */
  GenericRecord record(Market.Tick tick, Instant tradeTime, Instant ingestion);

  String priceField();

  String quantityField();

  String symbolField();

  /** The taker-side field, where the exchange has one that can carry an unknown value. */
  Optional<String> sideField();

  void setTradeTime(GenericRecord record, Instant tradeTime);
}
