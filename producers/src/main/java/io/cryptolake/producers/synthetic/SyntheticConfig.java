package io.cryptolake.producers.synthetic;

import io.cryptolake.schemas.Exchange;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the synthetic producer sends. {@code count} is per exchange; with a {@code duration} it sends until
 * the time is up instead. Fault fractions are of all records sent; a kind that cannot occur on an exchange
 * (Binance has no side text) is skipped there. With {@code spreadOver}, trade times are spread evenly over
 * that much time before now (a backfill), instead of being a few milliseconds before the send.
 */
public record SyntheticConfig(
    String bootstrapServers,
    String registryUrl,
    List<Exchange> exchanges,
    Map<Exchange, String> topics,
    Map<Exchange, List<String>> symbols,
    long count,
    Duration duration,
    double ratePerSecond,
    int partitions,
    Map<FaultKind, Double> faultFractions,
    double duplicateFraction,
    double outOfOrderFraction,
    long seed,
    Path manifest,
    Duration spreadOver) {

  /** Every fault kind at {@code totalFraction / kinds}. */
  public static Map<FaultKind, Double> spreadFaults(double totalFraction) {
    Map<FaultKind, Double> fractions = new EnumMap<>(FaultKind.class);
    for (FaultKind kind : FaultKind.values()) {
      fractions.put(kind, totalFraction / FaultKind.values().length);
    }
    return fractions;
  }

  /** Sensible local defaults: both exchanges, 3 partitions, 2% faults, 1% duplicates and out-of-order. */
  public static SyntheticConfig defaults(String bootstrapServers, String registryUrl) {
    return new SyntheticConfig(bootstrapServers, registryUrl, List.of(Exchange.values()), Map.of(), Map.of(),
        10_000, null, 0, 3, spreadFaults(0.02), 0.01, 0.01, 42L, null, null);
  }

  public String topic(Exchange exchange) {
    return topics.getOrDefault(exchange, exchange.defaultTopic());
  }

  public SyntheticConfig withCount(long newCount) {
    return new SyntheticConfig(bootstrapServers, registryUrl, exchanges, topics, symbols, newCount, duration,
        ratePerSecond, partitions, faultFractions, duplicateFraction, outOfOrderFraction, seed, manifest,
        spreadOver);
  }

  public SyntheticConfig withFaults(Map<FaultKind, Double> fractions) {
    return new SyntheticConfig(bootstrapServers, registryUrl, exchanges, topics, symbols, count, duration,
        ratePerSecond, partitions, fractions, duplicateFraction, outOfOrderFraction, seed, manifest, spreadOver);
  }

  public SyntheticConfig withTopics(Map<Exchange, String> newTopics) {
    return new SyntheticConfig(bootstrapServers, registryUrl, exchanges, newTopics, symbols, count, duration,
        ratePerSecond, partitions, faultFractions, duplicateFraction, outOfOrderFraction, seed, manifest,
        spreadOver);
  }

  public SyntheticConfig withSeed(long newSeed) {
    return new SyntheticConfig(bootstrapServers, registryUrl, exchanges, topics, symbols, count, duration,
        ratePerSecond, partitions, faultFractions, duplicateFraction, outOfOrderFraction, newSeed, manifest,
        spreadOver);
  }

  public SyntheticConfig withPartitions(int newPartitions) {
    return new SyntheticConfig(bootstrapServers, registryUrl, exchanges, topics, symbols, count, duration,
        ratePerSecond, newPartitions, faultFractions, duplicateFraction, outOfOrderFraction, seed, manifest,
        spreadOver);
  }

  public SyntheticConfig withExchanges(List<Exchange> only) {
    return new SyntheticConfig(bootstrapServers, registryUrl, only, topics, symbols, count, duration,
        ratePerSecond, partitions, faultFractions, duplicateFraction, outOfOrderFraction, seed, manifest,
        spreadOver);
  }

  public SyntheticConfig withRate(double perSecond) {
    return new SyntheticConfig(bootstrapServers, registryUrl, exchanges, topics, symbols, count, duration,
        perSecond, partitions, faultFractions, duplicateFraction, outOfOrderFraction, seed, manifest,
        spreadOver);
  }

  /** Sends until {@code span} has passed instead of {@code count} records. */
  public SyntheticConfig withDuration(Duration span) {
    return new SyntheticConfig(bootstrapServers, registryUrl, exchanges, topics, symbols, count, span,
        ratePerSecond, partitions, faultFractions, duplicateFraction, outOfOrderFraction, seed, manifest,
        spreadOver);
  }

  public SyntheticConfig withSpreadOver(Duration span) {
    return new SyntheticConfig(bootstrapServers, registryUrl, exchanges, topics, symbols, count, duration,
        ratePerSecond, partitions, faultFractions, duplicateFraction, outOfOrderFraction, seed, manifest, span);
  }

  public SyntheticConfig withManifest(Path path) {
    return new SyntheticConfig(bootstrapServers, registryUrl, exchanges, topics, symbols, count, duration,
        ratePerSecond, partitions, faultFractions, duplicateFraction, outOfOrderFraction, seed, path,
        spreadOver);
  }
}
