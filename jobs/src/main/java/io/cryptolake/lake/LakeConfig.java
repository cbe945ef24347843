package io.cryptolake.lake;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Where the tables live: the Iceberg catalog (name, kind, URI), the warehouse (s3a:// or a local path), the
 * namespace, and the S3 endpoint. S3 credentials are not here: S3A reads them from the environment
 * ({@code AWS_ACCESS_KEY_ID} / {@code AWS_SECRET_ACCESS_KEY}) or the instance's role, so they are never in
 * a command line, a log line or this object's toString.
 */
public record LakeConfig(
    String catalogName,
    CatalogType catalogType,
    String catalogUri,
    String warehouse,
    String namespace,
    String s3Endpoint,
    String s3Region,
    boolean s3PathStyle) {

  /** The catalog kinds the jobs configure. JDBC is the default: commits are atomic in the database. */
  public enum CatalogType { JDBC, HADOOP, REST }

  /** A catalog on a SQLite file and a local warehouse under {@code dir}: no server at all. */
  public static LakeConfig local(Path dir) {
    Path base = dir.toAbsolutePath();
    return new LakeConfig("iceberg", CatalogType.JDBC, sqliteUri(base.resolve("catalog/iceberg.db")),
        base.resolve("warehouse").toUri().toString(), "market_data", null, "us-east-1", true);
  }

  /** A catalog on a SQLite file under {@code dir}, data under an s3a:// warehouse at the endpoint. */
  public static LakeConfig s3(Path dir, String endpoint, String warehouse) {
    return new LakeConfig("iceberg", CatalogType.JDBC, sqliteUri(dir.toAbsolutePath().resolve("catalog/iceberg.db")),
        warehouse, "market_data", endpoint, "us-east-1", true);
  }

  public static String sqliteUri(Path file) {
    return "jdbc:sqlite:" + file.toAbsolutePath();
  }

  public LakeConfig withCatalogName(String name) {
    return new LakeConfig(name, catalogType, catalogUri, warehouse, namespace, s3Endpoint, s3Region, s3PathStyle);
  }

  /** {@code catalog.namespace.table}, as Spark SQL names it. */
  public String qualified(String table) {
    return catalogName + "." + namespace + "." + table;
  }

  /** The SQLite file of a {@code jdbc:sqlite:} catalog URI, if that is what it is. */
  public Path sqliteFile() {
    return catalogUri != null && catalogUri.startsWith("jdbc:sqlite:")
        ? Paths.get(catalogUri.substring("jdbc:sqlite:".length()).replaceFirst("\\?.*$", ""))
        : null;
  }
}
