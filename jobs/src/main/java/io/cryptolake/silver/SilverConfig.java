package io.cryptolake.silver;

import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamConfig;
import io.cryptolake.validation.ValidationConfig;
import java.time.Duration;

/** What one silver job reads, how it decodes and validates, and how fast. */
public record SilverConfig(
    Exchange exchange,
    String registryUrl,
    Duration registryMaxWait,
    ValidationConfig validation,
    int maxFilesPerTrigger,
    StreamConfig stream) {

  public String jobName() {
    return "silver-" + exchange.id();
  }
}
