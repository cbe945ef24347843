package io.cryptolake.silver.adapters;

import io.cryptolake.schemas.Exchange;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The adapter of each exchange: the one place that maps an exchange to its normalisation. */
public final class ExchangeAdapters {
  private static final Map<Exchange, ExchangeAdapter> BY_EXCHANGE = new EnumMap<>(Exchange.class);

  static {
    for (ExchangeAdapter adapter : List.of(new BinanceAdapter(), new KrakenAdapter())) {
      BY_EXCHANGE.put(adapter.exchange(), adapter);
    }
  }

  private ExchangeAdapters() {}

  public static ExchangeAdapter of(Exchange exchange) {
    ExchangeAdapter adapter = BY_EXCHANGE.get(exchange);
    if (adapter == null) {
      throw new IllegalStateException("no silver adapter for exchange " + exchange);
    }
    return adapter;
  }
}
