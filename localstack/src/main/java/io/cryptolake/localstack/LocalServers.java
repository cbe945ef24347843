package io.cryptolake.localstack;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The set of local servers the pipeline needs: Kafka, the S3 API, the Schema Registry and, for jobs in several
 * JVMs, a catalog server (PostgreSQL, and Iceberg's REST catalog server on it when asked). Every port is
 * checked before any server starts; started in that order (side by side was no faster: each start is a JVM
 * warming up on the same cores), stopped in reverse; a JVM shutdown hook stops whatever is still running, so no
 * process outlives the JVM that started it (short of a kill -9 of that JVM).
 */
public final class LocalServers implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalServers.class);

  private final LocalServersConfig config;
  private final KafkaBroker kafka;
  private final S3Server s3;
  private final SchemaRegistryServer registry;
  private final PostgresServer postgres;
  private final RestCatalogServer restCatalog;
  private final Thread shutdownHook;

  private LocalServers(LocalServersConfig config) {
    this.config = config;
    this.kafka = new KafkaBroker(config);
    this.s3 = new S3Server(config);
    this.registry = new SchemaRegistryServer(config);
    this.postgres = config.postgres() ? new PostgresServer(config) : null;
    this.restCatalog = config.catalogServer() == LocalServersConfig.CatalogServer.REST
        ? new RestCatalogServer(config) : null;
    this.shutdownHook = new Thread(this::stopAll, "cryptolake-local-servers-stop");
  }

  public static LocalServers start(LocalServersConfig config) {
    long started = System.nanoTime();
    LocalServers servers = new LocalServers(config);
    Runtime.getRuntime().addShutdownHook(servers.shutdownHook);
    try {
      servers.all().forEach(ManagedServer::requirePortsFree);  // a taken port fails the start before any server runs
      for (ManagedServer server : servers.all()) {
        server.start();
      }
    } catch (RuntimeException e) {
      servers.close();
      throw e;
    }
    LOG.info("local servers ready in {} s: kafka {}, s3 {}, registry {}, catalog {}, data under {}",
        String.format("%.1f", (System.nanoTime() - started) / 1e9), config.kafkaBootstrap(), config.s3Endpoint(),
        config.registryUrl(), config.catalogDescription(), config.dataDir());
    return servers;
  }

  public LocalServersConfig config() {
    return config;
  }

  public KafkaBroker kafka() {
    return kafka;
  }

  public S3Server s3() {
    return s3;
  }

  public SchemaRegistryServer registry() {
    return registry;
  }

  /** PostgreSQL, the catalog database, when the configuration asks for it. */
  public Optional<PostgresServer> postgres() {
    return Optional.ofNullable(postgres);
  }

  /** Iceberg's REST catalog server, when the configuration asks for it. */
  public Optional<RestCatalogServer> restCatalog() {
    return Optional.ofNullable(restCatalog);
  }

  /** The server the jobs' catalog requests go to: the REST server, else the database; none without either. */
  public Optional<ManagedServer> catalog() {
    return restCatalog != null ? Optional.of(restCatalog) : Optional.ofNullable(postgres);
  }

  /** Every server this started, in start order. */
  public List<ManagedServer> all() {
    List<ManagedServer> all = new ArrayList<>(List.of(kafka, s3, registry));
    postgres().ifPresent(all::add);
    restCatalog().ifPresent(all::add);
    return all;
  }

  private void stopAll() {
    List<ManagedServer> reverse = new ArrayList<>(all());
    Collections.reverse(reverse);
    for (ManagedServer server : reverse) {
      try {
        server.stop();
      } catch (RuntimeException e) {
        LOG.error("stopping {} failed", server.name(), e);
      }
    }
  }

  @Override
  public void close() {
    stopAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException shuttingDown) {
      // Already running as the hook: nothing to remove.
    }
  }
}
