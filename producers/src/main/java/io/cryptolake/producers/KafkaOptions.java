package io.cryptolake.producers;

import io.cryptolake.cli.KafkaServers;
import io.cryptolake.cli.RegistryUrl;
import picocli.CommandLine.Mixin;

/** Where producers write: Kafka and the Schema Registry (a picocli mixin of every producer command). */
public final class KafkaOptions {
  @Mixin KafkaServers kafka;
  @Mixin RegistryUrl registry;

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String registryUrl() {
    return registry.url();
  }

  /** Kafka and the registry answer, or the command stops at once naming the one that does not. */
  public void requireServers() {
    kafka.server().require(KafkaServers.OPTION);
    registry.server().require(RegistryUrl.OPTION);
  }
}
