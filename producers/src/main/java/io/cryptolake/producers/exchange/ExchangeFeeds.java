package io.cryptolake.producers.exchange;

import io.cryptolake.schemas.Exchange;

/**
 * The feed adapter of each exchange: the module's lookup from exchange to live feed, an exhaustive switch, so a
 * third exchange does not compile without its case (as {@code SyntheticExchange.of} for the synthetic side).
 */
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
