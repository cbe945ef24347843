package io.cryptolake.producers.exchange;

import io.cryptolake.schemas.Exchange;

/** The feed adapter of each exchange. */
public final class ExchangeFeeds {
  private ExchangeFeeds() {}

  /** {@code snapshot}: ask for recent trades on subscribe, for exchanges that offer it (Kraken). */
  public static ExchangeFeed of(Exchange exchange, boolean snapshot) {
    return switch (exchange) {
      case BINANCE -> new BinanceFeed();
      case KRAKEN -> new KrakenFeed(snapshot);
    };
  }
}
