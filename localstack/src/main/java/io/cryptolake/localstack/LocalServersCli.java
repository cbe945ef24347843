package io.cryptolake.localstack;

import io.cryptolake.cli.Cli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code make servers}: the local servers in the foreground on fixed ports until Ctrl-C. */
@Command(name = "servers", mixinStandardHelpOptions = true,
    description = {"Starts Kafka (KRaft), the S3 API (s3proxy), the Schema Registry (Apicurio) and PostgreSQL (the",
        "catalog database) on 127.0.0.1 and keeps them running until interrupted. Ports and credentials come from",
        "the environment: CRYPTOLAKE_KAFKA_PORT (9092), CRYPTOLAKE_KAFKA_CONTROLLER_PORT (9093),",
        "CRYPTOLAKE_S3_PORT (9000), CRYPTOLAKE_REGISTRY_PORT (8085), CRYPTOLAKE_POSTGRES_PORT (5433),",
        "CRYPTOLAKE_REST_CATALOG_PORT (8181),",
        "CRYPTOLAKE_S3_BUCKET (warehouse), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY."})
public final class LocalServersCli implements Callable<Integer> {
  @Option(names = "--data-dir", defaultValue = "${env:CRYPTOLAKE_DATA_DIR:-data/local}",
      description = "Where the servers keep their data and logs (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--catalog-server", defaultValue = "${env:CRYPTOLAKE_CATALOG_SERVER:-postgres}",
      description = "postgres: also run PostgreSQL as the jobs' catalog database; rest: Iceberg's REST catalog "
          + "server on it too; none: neither (env CRYPTOLAKE_CATALOG_SERVER; default ${DEFAULT-VALUE}).")
  LocalServersConfig.CatalogServer catalogServer;

  @Option(names = "--free-ports", description = "Ports the operating system reports free instead of the "
      + "environment's, so that these servers run beside others (the class archive's training run does).")
  boolean freePorts;

  @Option(names = "--env-file", description = "Once the servers are ready, write the environment that points the "
      + "jobs at them (CRYPTOLAKE_KAFKA_BOOTSTRAP_SERVERS, CRYPTOLAKE_S3_ENDPOINT, ..., one NAME=value a line) to "
      + "this file.")
  Path envFile;

  @Override
  public Integer call() throws InterruptedException {
    LocalServersConfig defaults = LocalServersConfig.defaults();
    LocalServersConfig config = (freePorts ? defaults.withFreePorts() : defaults).withDataDir(dataDir)
        .withCatalogServer(catalogServer);
    try (LocalServers servers = LocalServers.start(config)) {
      if (envFile != null) {
        writeEnv(config, envFile);
      }
      System.out.println("kafka     " + config.kafkaBootstrap());
      System.out.println("s3        " + config.s3Endpoint() + " (bucket " + config.bucket() + ")");
      System.out.println("registry  " + config.registryUrl());
      if (config.postgres()) {
        System.out.println("catalog   " + config.catalogDescription());
      }
      System.out.println("data      " + config.dataDir() + "   (Ctrl-C stops everything)");
      new CountDownLatch(1).await();
    }
    return 0;
  }

  /** The jobs' environment for these servers, written whole or not at all (a reader waits for the file). */
  static void writeEnv(LocalServersConfig config, Path file) {
    List<String> lines = new ArrayList<>(List.of(
        "CRYPTOLAKE_KAFKA_BOOTSTRAP_SERVERS=" + config.kafkaBootstrap(),
        "CRYPTOLAKE_S3_ENDPOINT=" + config.s3Endpoint(),
        "CRYPTOLAKE_REGISTRY_URL=" + config.registryUrl(),
        "AWS_ACCESS_KEY_ID=" + config.s3AccessKey(),
        "AWS_SECRET_ACCESS_KEY=" + config.s3SecretKey(),
        "CRYPTOLAKE_WAREHOUSE=" + config.warehouse(),
        "CRYPTOLAKE_CHECKPOINT_ROOT=" + config.checkpointRoot()));
    switch (config.catalogServer()) {
      case POSTGRES -> lines.add("CRYPTOLAKE_CATALOG_URI=" + config.catalogJdbcUrl());
      case REST -> lines.addAll(List.of("CRYPTOLAKE_CATALOG_TYPE=REST",
          "CRYPTOLAKE_CATALOG_URI=" + config.restCatalogUrl()));
      case NONE -> { }
    }
    try {
      Path partial = file.resolveSibling(file.getFileName() + ".partial");
      Files.write(partial, lines);
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  public static void main(String[] args) {
    Cli.exit(new LocalServersCli(), args);
  }
}
