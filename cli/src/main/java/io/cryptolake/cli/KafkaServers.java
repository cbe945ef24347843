package io.cryptolake.cli;

import picocli.CommandLine.Option;

/** {@code --bootstrap-servers}: the one definition of where Kafka is, a picocli mixin of every command that uses it. */
public final class KafkaServers {
  public static final String OPTION = "--bootstrap-servers";

  @Option(names = OPTION, defaultValue = "${env:CRYPTOLAKE_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (env CRYPTOLAKE_KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
  String bootstrapServers;

  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The servers as a probe target; the value is checked here (host:port pairs). */
  public Server server() {
    return Server.kafka(bootstrapServers);
  }
}
