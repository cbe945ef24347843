package io.cryptolake.jobs.options;

import io.cryptolake.cli.Check;
import io.cryptolake.cli.RegistryUrl;
import io.cryptolake.cli.Server;
import io.cryptolake.validation.ValidationConfig;
import java.time.Duration;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Rule settings and the registry, shared by the silver jobs and the DLQ replay. */
public final class ValidationOptions {
  @Mixin RegistryUrl registry;

  @Option(names = "--registry-max-wait", defaultValue = "${env:CRYPTOLAKE_REGISTRY_MAX_WAIT:-60s}",
      description = "How long to retry an unreachable registry before failing the batch, which is then retried "
          + "from the checkpoint (env CRYPTOLAKE_REGISTRY_MAX_WAIT; default ${DEFAULT-VALUE}).")
  public Duration registryMaxWait;

  @Option(names = "--future-tolerance", defaultValue = "${env:CRYPTOLAKE_FUTURE_TOLERANCE:-5s}",
      description = "How far a trade time may be after its Kafka timestamp (env CRYPTOLAKE_FUTURE_TOLERANCE; "
          + "default ${DEFAULT-VALUE}).")
  Duration futureTolerance;

  @Option(names = "--max-age", defaultValue = "${env:CRYPTOLAKE_MAX_AGE:-365d}",
      description = "How far a trade time may be before its Kafka timestamp (env CRYPTOLAKE_MAX_AGE; "
          + "default ${DEFAULT-VALUE}).")
  Duration maxAge;

  /** The registry the rules decode with; its URL is checked here, whether it answers when it is used. */
  public Server registry() {
    return registry.server();
  }

  public String registryUrl() {
    return registry.url();
  }

  public ValidationConfig toConfig() {
    registry();
    Check.positive("--registry-max-wait", registryMaxWait);
    Check.positive("--max-age", maxAge);
    return new ValidationConfig(futureTolerance, maxAge);
  }
}
