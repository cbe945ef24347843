package io.cryptolake.bronze;

import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamConfig;

/** What one bronze job reads and how fast. */
public record BronzeConfig(
    Exchange exchange,
    String bootstrapServers,
    String topic,
    String startingOffsets,
    long maxOffsetsPerTrigger,
    boolean failOnDataLoss,
    StreamConfig stream) {

  public String jobName() {
    return "bronze-" + exchange.id();
  }
}
