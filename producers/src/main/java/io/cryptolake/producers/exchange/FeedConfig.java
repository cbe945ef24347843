package io.cryptolake.producers.exchange;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One feed's settings: where, which symbols, which topic, and how it rides out the network. Reconnects wait
 * a random time up to {@code min(maxBackoff, initialBackoff * 2^attempt)} (full jitter); a connection
 * that stays up longer than {@code maxBackoff} resets the attempt count.
 */
public record FeedConfig(URI endpoint, List<String> symbols, String topic, Duration connectTimeout,
    Duration silenceTimeout, Duration initialBackoff, Duration maxBackoff, Duration keepAliveEvery) {

  public static FeedConfig defaults(ExchangeFeed feed, String topic) {
    return new FeedConfig(feed.defaultEndpoint(), feed.defaultSymbols(), topic, Duration.ofSeconds(10),
        Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(60), Duration.ofSeconds(30));
  }

  public FeedConfig withEndpoint(URI newEndpoint) {
    return new FeedConfig(newEndpoint, symbols, topic, connectTimeout, silenceTimeout, initialBackoff, maxBackoff,
        keepAliveEvery);
  }

  public FeedConfig withSymbols(List<String> newSymbols) {
    return new FeedConfig(endpoint, newSymbols, topic, connectTimeout, silenceTimeout, initialBackoff, maxBackoff,
        keepAliveEvery);
  }

  public FeedConfig withTimeouts(Duration silence, Duration initial, Duration max) {
    return new FeedConfig(endpoint, symbols, topic, connectTimeout, silence, initial, max, keepAliveEvery);
  }
}
