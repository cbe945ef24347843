package io.cryptolake.localstack;

import io.cryptolake.schemas.SchemaRegistryClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/**
 * Apicurio Registry, whose ccompat API is the Confluent Schema Registry API. Its H2 database is kept in a
 * file under the data directory, so a restart keeps every schema id. Ready when a schema registers.
 */
public final class SchemaRegistryServer extends ManagedServer {
  private static final Schema PROBE_SCHEMA =
      SchemaBuilder.record("Readiness").namespace("io.cryptolake.probe").fields().requiredLong("at").endRecord();

  public SchemaRegistryServer(LocalServersConfig config) {
    super("registry", config, Duration.ofSeconds(120));
  }

  public String url() {
    return config.registryUrl();
  }

  @Override
  protected Map<Integer, String> ports() {
    return Map.of(config.registryPort(), "CRYPTOLAKE_REGISTRY_PORT");
  }

  @Override
  protected List<String> prepare() throws IOException {
    List<String> command = java("-Xms64m", "-Xmx512m");
    command.addAll(List.of(
        "-Dquarkus.http.host=127.0.0.1",
        "-Dquarkus.http.port=" + config.registryPort(),
        "-Dquarkus.log.level=WARN",
        "-Dquarkus.log.category.\"io.quarkus\".level=INFO",
        "-jar", runnerJar().toString()));
    return command;
  }

  private Path runnerJar() throws IOException {
    try (Stream<Path> files = Files.list(dist("apicurio"))) {
      return files.filter(f -> f.getFileName().toString().endsWith("-runner.jar")).findFirst()
          .orElseThrow(() -> new IOException("no *-runner.jar in " + dist("apicurio")));
    }
  }

  @Override
  protected Map<String, String> environment() {
    // Every commit written at once and no compaction while closing: a registry stopped under load once came
    // back without the schemas registered minutes before (make chaos), which a restart must never lose.
    return Map.of("REGISTRY_DATASOURCE_URL", "jdbc:h2:file:" + dataDir().resolve("registry-db")
        + ";WRITE_DELAY=0;MAX_COMPACT_TIME=0");
  }

  @Override
  protected void probe() {
    new SchemaRegistryClient(url(), Duration.ofSeconds(5)).register("cryptolake.readiness-value", PROBE_SCHEMA);
  }
}
