package io.cryptolake.validation;

import java.io.Serializable;
import java.time.Duration;

/**
 * Rule settings. Time rules compare the trade time with the record's Kafka timestamp: a trade may be at most
 * {@code futureTolerance} after it (clock skew) and at most {@code maxAge} before it.
 */
public record ValidationConfig(Duration futureTolerance, Duration maxAge) implements Serializable {
  public static ValidationConfig defaults() {
    return new ValidationConfig(Duration.ofSeconds(5), Duration.ofDays(365));
  }
}
