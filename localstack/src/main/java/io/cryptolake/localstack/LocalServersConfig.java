package io.cryptolake.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the local servers keep their data, which ports they listen on (all on 127.0.0.1), which catalog server
 * runs, and the S3 bucket and credentials. {@link #defaults()} reads the environment ({@code CRYPTOLAKE_*}) over
 * fixed ports; tests use {@link #withFreePorts()} so that a run never collides with a running stack.
 */
public record LocalServersConfig(
    Path dataDir,
    Path distDir,
    int kafkaPort,
    int kafkaControllerPort,
    int s3Port,
    int registryPort,
    int postgresPort,
    int restCatalogPort,
    CatalogServer catalogServer,
    String bucket,
    String s3AccessKey,
    String s3SecretKey) {

  public static final String DIST_DIR_PROPERTY = "cryptolake.dist.dir";

  /**
   * The catalog server the local servers run for jobs in several JVMs: none (SQLite files, or a catalog of
   * your own), PostgreSQL for Iceberg's JDBC catalog, or Iceberg's REST catalog server over that PostgreSQL.
   */
  public enum CatalogServer { NONE, POSTGRES, REST }

  public static LocalServersConfig defaults() {
    return new LocalServersConfig(
        Paths.get(env("CRYPTOLAKE_DATA_DIR", "data/local")).toAbsolutePath(),
        locateDistDir(),
        Integer.parseInt(env("CRYPTOLAKE_KAFKA_PORT", "9092")),
        Integer.parseInt(env("CRYPTOLAKE_KAFKA_CONTROLLER_PORT", "9093")),
        Integer.parseInt(env("CRYPTOLAKE_S3_PORT", "9000")),
        Integer.parseInt(env("CRYPTOLAKE_REGISTRY_PORT", "8085")),
        Integer.parseInt(env("CRYPTOLAKE_POSTGRES_PORT", "5433")),
        Integer.parseInt(env("CRYPTOLAKE_REST_CATALOG_PORT", "8181")),
        CatalogServer.NONE,
        env("CRYPTOLAKE_S3_BUCKET", "warehouse"),
        env("AWS_ACCESS_KEY_ID", "cryptolake"),
        env("AWS_SECRET_ACCESS_KEY", "cryptolake-secret"));
  }

  /** The same servers on ports the operating system reports free right now. */
  public LocalServersConfig withFreePorts() {
    return new LocalServersConfig(dataDir, distDir, freePort(), freePort(), freePort(), freePort(), freePort(),
        freePort(), catalogServer, bucket, s3AccessKey, s3SecretKey);
  }

  public LocalServersConfig withDataDir(Path dir) {
    return new LocalServersConfig(dir.toAbsolutePath(), distDir, kafkaPort, kafkaControllerPort, s3Port,
        registryPort, postgresPort, restCatalogPort, catalogServer, bucket, s3AccessKey, s3SecretKey);
  }

  /** These servers plus a catalog server, for jobs in several JVMs (the local cluster). */
  public LocalServersConfig withCatalogServer(CatalogServer server) {
    return new LocalServersConfig(dataDir, distDir, kafkaPort, kafkaControllerPort, s3Port, registryPort,
        postgresPort, restCatalogPort, server, bucket, s3AccessKey, s3SecretKey);
  }

  /** PostgreSQL runs: as the JDBC catalog's database, or behind the REST catalog server. */
  public boolean postgres() {
    return catalogServer != CatalogServer.NONE;
  }

  public String kafkaBootstrap() {
    return "127.0.0.1:" + kafkaPort;
  }

  public String s3Endpoint() {
    return "http://127.0.0.1:" + s3Port;
  }

  /** Base URL of the registry's Confluent-compatible API. */
  public String registryUrl() {
    return "http://127.0.0.1:" + registryPort + "/apis/ccompat/v7";
  }

  /** The catalog database's JDBC URL, when {@link #postgres()} (local trust authentication: no password). */
  public String catalogJdbcUrl() {
    return "jdbc:postgresql://127.0.0.1:" + postgresPort + "/" + PostgresServer.DATABASE + "?user="
        + PostgresServer.USER;
  }

  /** The REST catalog server's URL, when the catalog server is {@link CatalogServer#REST}. */
  public String restCatalogUrl() {
    return "http://127.0.0.1:" + restCatalogPort;
  }

  /** What the jobs are told the catalog is: the REST server's URL, the database's, or nothing to say. */
  public String catalogDescription() {
    return switch (catalogServer) {
      case NONE -> "(none)";
      case POSTGRES -> catalogJdbcUrl();
      case REST -> restCatalogUrl() + " (REST, on " + catalogJdbcUrl() + ")";
    };
  }

  /** Where the tables are (and the REST catalog server puts new ones): config/local.env's path in this bucket. */
  public String warehouse() {
    return "s3a://" + bucket + "/warehouse";
  }

  /** Where the jobs keep their checkpoints: config/local.env's path in this bucket. */
  public String checkpointRoot() {
    return "s3a://" + bucket + "/checkpoints";
  }

  /**
   * The server distributions assembled by the {@code servers} module: the system property, then
   * {@code CRYPTOLAKE_DIST_DIR}, then {@code servers/target/dist} in this directory or one above it.
   */
  static Path locateDistDir() {
    String configured = System.getProperty(DIST_DIR_PROPERTY, System.getenv("CRYPTOLAKE_DIST_DIR"));
    if (configured != null && !configured.isBlank()) {
      return Paths.get(configured).toAbsolutePath();
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("servers/target/dist");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
    }
    return Paths.get("servers/target/dist").toAbsolutePath();
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    }
  }
}
