package io.cryptolake.producers;

import io.cryptolake.cli.Server;
import picocli.CommandLine.Option;

/** Where producers write: Kafka and the Schema Registry (a picocli mixin of every producer command). */
public final class KafkaOptions {
  @Option(names = "--bootstrap-servers", defaultValue = "${env:CRYPTOLAKE_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (env CRYPTOLAKE_KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
  public String bootstrapServers;

  @Option(names = "--registry-url",
      defaultValue = "${env:CRYPTOLAKE_REGISTRY_URL:-http://127.0.0.1:8085/apis/ccompat/v7}",
      description = "Base URL of the Confluent-compatible Schema Registry API (env CRYPTOLAKE_REGISTRY_URL; "
          + "default ${DEFAULT-VALUE}).")
  public String registryUrl;

  /** Kafka and the registry answer, or the command stops at once naming the one that does not. */
  public void requireServers() {
    Server.kafka(bootstrapServers).require("--bootstrap-servers");
    Server.http("the Schema Registry", "--registry-url", registryUrl).require("--registry-url");
  }
}
