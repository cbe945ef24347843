package io.cryptolake.jobs.options;

import io.cryptolake.bronze.BronzeConfig;
import io.cryptolake.cli.Check;
import io.cryptolake.cli.ConfigError;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamConfig;
import picocli.CommandLine.Option;

/** How bronze reads Kafka: the options of bronze-<exchange> and of the one-application pipeline. */
public final class BronzeOptions {
  @Option(names = "--starting-offsets", defaultValue = "${env:CRYPTOLAKE_STARTING_OFFSETS:-earliest}",
      description = "Where a new job starts: earliest, latest or Spark's per-partition JSON; ignored once a "
          + "checkpoint exists (env CRYPTOLAKE_STARTING_OFFSETS; default ${DEFAULT-VALUE}).")
  String startingOffsets;

  @Option(names = "--max-offsets-per-trigger", defaultValue = "${env:CRYPTOLAKE_BRONZE_MAX_OFFSETS:-200000}",
      description = "Upper bound of records per micro-batch (env CRYPTOLAKE_BRONZE_MAX_OFFSETS; default ${DEFAULT-VALUE}).")
  long maxOffsetsPerTrigger;

  @Option(names = "--fail-on-data-loss", defaultValue = "${env:CRYPTOLAKE_FAIL_ON_DATA_LOSS:-true}",
      description = "Stop with the lost offsets named when Kafka deleted records not yet read; false logs the "
          + "gap and goes on (env CRYPTOLAKE_FAIL_ON_DATA_LOSS; default ${DEFAULT-VALUE}).")
  boolean failOnDataLoss;

  /** Checked before the job starts. */
  public BronzeConfig toConfig(Exchange exchange, String bootstrapServers, String topic, StreamConfig stream) {
    Check.positive("--max-offsets-per-trigger", maxOffsetsPerTrigger);
    String offsets = startingOffsets.trim();
    if (!offsets.equals("earliest") && !offsets.equals("latest") && !offsets.startsWith("{")) {
      throw new ConfigError("--starting-offsets: '" + startingOffsets + "' is not allowed; expected earliest, latest "
          + "or Spark's JSON of offsets per partition");
    }
    return new BronzeConfig(exchange, bootstrapServers, topic == null ? exchange.defaultTopic() : topic,
        startingOffsets, maxOffsetsPerTrigger, failOnDataLoss, stream);
  }
}
