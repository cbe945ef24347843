package io.cryptolake.cli;

import picocli.CommandLine.Option;

/** {@code --registry-url}: the one definition of where the Schema Registry is, a picocli mixin. */
public final class RegistryUrl {
  public static final String OPTION = "--registry-url";

  @Option(names = OPTION, defaultValue = "${env:CRYPTOLAKE_REGISTRY_URL:-http://127.0.0.1:8085/apis/ccompat/v7}",
      description = "Base URL of the Confluent-compatible Schema Registry API (env CRYPTOLAKE_REGISTRY_URL; "
          + "default ${DEFAULT-VALUE}).")
  String registryUrl;

  public String url() {
    return registryUrl;
  }

  /** The registry as a probe target; the URL is checked here. */
  public Server server() {
    return Server.http("the Schema Registry", OPTION, registryUrl);
  }
}
