package io.cryptolake.jobs.options;

import io.cryptolake.cli.Check;
import io.cryptolake.cli.ConfigError;
import io.cryptolake.cli.Server;
import io.cryptolake.lake.LakeConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Catalog, warehouse and S3 options shared by every job. Each has an environment variable and a default. */
public final class LakeOptions {
  @Option(names = "--catalog", defaultValue = "${env:CRYPTOLAKE_CATALOG:-iceberg}",
      description = "Iceberg catalog name in Spark SQL (env CRYPTOLAKE_CATALOG; default ${DEFAULT-VALUE}).")
  String catalog;

  @Option(names = "--catalog-type", defaultValue = "${env:CRYPTOLAKE_CATALOG_TYPE:-JDBC}",
      description = "JDBC, HADOOP or REST (env CRYPTOLAKE_CATALOG_TYPE; default ${DEFAULT-VALUE}). The Hadoop "
          + "catalog is unsafe with concurrent writers on S3.")
  LakeConfig.CatalogType catalogType;

  @Option(names = "--catalog-uri", defaultValue = "${env:CRYPTOLAKE_CATALOG_URI:-jdbc:sqlite:data/catalog/iceberg.db}",
      description = "JDBC URL or REST endpoint of the catalog (env CRYPTOLAKE_CATALOG_URI; default ${DEFAULT-VALUE}).")
  String catalogUri;

  @Option(names = "--warehouse", defaultValue = "${env:CRYPTOLAKE_WAREHOUSE:-data/warehouse}",
      description = "Warehouse root: s3a://bucket/path or a local path (env CRYPTOLAKE_WAREHOUSE; default ${DEFAULT-VALUE}).")
  String warehouse;

  @Option(names = "--namespace", defaultValue = "${env:CRYPTOLAKE_NAMESPACE:-market_data}",
      description = "Namespace of the tables (env CRYPTOLAKE_NAMESPACE; default ${DEFAULT-VALUE}).")
  String namespace;

  @Option(names = "--s3-endpoint", defaultValue = "${env:CRYPTOLAKE_S3_ENDPOINT}",
      description = "S3 endpoint, e.g. http://minio:9000 (env CRYPTOLAKE_S3_ENDPOINT; default: AWS). Credentials "
          + "come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, never from a flag.")
  String s3Endpoint;

  @Option(names = "--s3-region", defaultValue = "${env:CRYPTOLAKE_S3_REGION:-us-east-1}",
      description = "S3 region (env CRYPTOLAKE_S3_REGION; default ${DEFAULT-VALUE}).")
  String s3Region;

  @Option(names = "--s3-path-style", defaultValue = "${env:CRYPTOLAKE_S3_PATH_STYLE:-true}",
      description = "Path-style S3 requests, as MinIO needs (env CRYPTOLAKE_S3_PATH_STYLE; default ${DEFAULT-VALUE}).")
  boolean s3PathStyle;

  /** Checked before the job starts: where it writes must be writable, the endpoints must be URLs. */
  public LakeConfig toConfig() {
    DriverLocation.requireNotRelative("--warehouse", warehouse);
    if (catalogUri != null && catalogUri.startsWith("jdbc:sqlite:")) {
      DriverLocation.requireNotRelative("--catalog-uri", catalogUri.substring("jdbc:sqlite:".length()));
    }
    Check.writableDirectory("--warehouse", warehouse);
    if (catalogUri != null && catalogUri.startsWith("jdbc:sqlite:") && !catalogUri.startsWith("jdbc:sqlite::memory:")) {
      Path file = Paths.get(catalogUri.substring("jdbc:sqlite:".length()));
      Check.writableDirectory("--catalog-uri", file.toAbsolutePath().getParent().toString());
    }
    servers();
    return new LakeConfig(catalog, catalogType, absoluteSqlite(catalogUri), absoluteLocal(warehouse), namespace,
        s3Endpoint, s3Region, s3PathStyle);
  }

  /**
   * The servers the lake lives on (the S3 API, a REST catalog or a catalog database), for naming the one that
   * does not answer.
   */
  public List<Server> servers() {
    List<Server> servers = new ArrayList<>();
    if (s3Endpoint != null && !s3Endpoint.isBlank()) {
      servers.add(Server.http("the S3 API", "--s3-endpoint", s3Endpoint));
    }
    if (catalogType == LakeConfig.CatalogType.REST) {
      servers.add(Server.http("the REST catalog", "--catalog-uri", catalogUri));
    }
    if (catalogType == LakeConfig.CatalogType.JDBC && catalogUri != null) {
      Server.jdbc("the catalog database", "--catalog-uri", catalogUri).ifPresent(servers::add);
    }
    return servers;
  }

  /**
   * For a command that works on an existing lake (reconcile, replay, gaps, maintain): its catalog exists and
   * every server answers, or the command stops at once saying which is not there.
   */
  public LakeConfig toExistingLake() {
    LakeConfig config = toConfig();
    for (Server server : servers()) {
      server.require(server.role().contains("S3") ? "--s3-endpoint" : "--catalog-uri");
    }
    Path sqlite = config.sqliteFile();
    if (sqlite != null && !Files.isRegularFile(sqlite)) {
      throw new ConfigError("--catalog-uri: " + config.catalogUri() + " has no catalog database; expected the "
          + "catalog the streaming jobs write (with --warehouse " + warehouse + ")");
    }
    return config;
  }

  /** A relative SQLite path is relative to where the job was started; make it explicit. */
  private static String absoluteSqlite(String uri) {
    if (uri != null && uri.startsWith("jdbc:sqlite:") && !uri.startsWith("jdbc:sqlite:/")
        && !uri.startsWith("jdbc:sqlite::memory:")) {
      return LakeConfig.sqliteUri(Paths.get(uri.substring("jdbc:sqlite:".length())));
    }
    return uri;
  }

  private static String absoluteLocal(String location) {
    return location.contains("://") || location.startsWith("file:") ? location
        : Paths.get(location).toAbsolutePath().toUri().toString();
  }
}
