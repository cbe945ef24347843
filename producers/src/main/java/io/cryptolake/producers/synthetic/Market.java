package io.cryptolake.producers.synthetic;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * A small random-walk market: per symbol, a price near a realistic level for its base asset and a
 * consecutive trade id. Prices are BigDecimal throughout, so their text is exact.
 */
final class Market {
  /** Rough price levels in USD; quote currencies other than USD-like ones are converted below. */
  private static final Map<String, Double> USD_PRICE = Map.ofEntries(
      Map.entry("BTC", 67_000.0), Map.entry("ETH", 3_400.0), Map.entry("SOL", 160.0), Map.entry("BNB", 580.0),
      Map.entry("XRP", 0.52), Map.entry("DOGE", 0.13), Map.entry("ADA", 0.45), Map.entry("PEPE", 0.0000123),
      Map.entry("SHIB", 0.0000182), Map.entry("EUR", 1.08), Map.entry("TRY", 0.03));

  /** Trade ids of one seed: no run sends this many trades of one symbol. */
  private static final long IDS_PER_SEED = 10_000_000_000L;
  private static final int SEEDS = 100_000;

  private final Random random;
  private final long firstIds;
  private final Map<String, SymbolState> states = new HashMap<>();

  /**
   * A market whose trade ids are the seed's own: runs with other seeds never send an id of this one, as a real
   * exchange never reuses a trade id; the same seed sends the same ids again. (Ids drawn from one shared range
   * made two runs' different trades share keys: gold rightly kept both, and reconcile failed.)
   */
  Market(Random random, long seed) {
    this.random = random;
    this.firstIds = (1 + Math.floorMod(seed, SEEDS)) * IDS_PER_SEED;
  }

  /** The next trade of the symbol; {@code base} and {@code quote} name its assets. */
  Tick next(String symbol, String base, String quote) {
    SymbolState state = states.computeIfAbsent(symbol, s -> new SymbolState(
        startPrice(base, quote), firstIds + random.nextInt(9_000_000)));
    state.price = state.price * (1 + random.nextGaussian() * 0.0004);
    double notional = 50 + Math.abs(random.nextGaussian()) * 2_000;
    double quantity = notional / (state.price * usd(quote));
    return new Tick(symbol, state.nextTradeId++, decimal(state.price), decimal(quantity), random.nextBoolean());
  }

  private double startPrice(String base, String quote) {
    return usd(base) / usd(quote) * (0.98 + random.nextDouble() * 0.04);
  }

  private static double usd(String asset) {
    String upper = asset.toUpperCase(Locale.ROOT);
    if (upper.startsWith("USD") || upper.endsWith("USD") || upper.equals("BUSD")) {
      return 1.0;
    }
    return USD_PRICE.getOrDefault(upper, 10.0);
  }

  /** Eight significant digits: exact text, realistic precision for large and tiny prices alike. */
  private static BigDecimal decimal(double value) {
    return new BigDecimal(value, new MathContext(8, RoundingMode.HALF_UP));
  }

  /** One trade before it is shaped into an exchange's record. */
  record Tick(String symbol, long tradeId, BigDecimal price, BigDecimal quantity, boolean buyerIsAggressor) {}

  private static final class SymbolState {
    double price;
    long nextTradeId;

    SymbolState(double price, long firstTradeId) {
      this.price = price;
      this.nextTradeId = firstTradeId;
    }
  }
}
