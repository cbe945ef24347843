package io.cryptolake.localstack;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Iceberg's REST catalog server ({@code RESTCatalogServer}, the server behind the iceberg-rest-fixture image):
 * what Polaris, Nessie, Gravitino, Lakekeeper and the cloud catalogs speak, so a job that works against it
 * works against them with configuration only. Behind it, Iceberg's JDBC catalog on the local PostgreSQL, and
 * metadata written to the S3 API with S3FileIO. Ready when it lists the namespaces from the database.
 */
public final class RestCatalogServer extends ManagedServer {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  public RestCatalogServer(LocalServersConfig config) {
    super("rest-catalog", config, Duration.ofSeconds(90));
  }

  public String url() {
    return config.restCatalogUrl();
  }

  @Override
  protected Map<Integer, String> ports() {
    return Map.of(config.restCatalogPort(), "CRYPTOLAKE_REST_CATALOG_PORT");
  }

  @Override
  protected List<String> prepare() {
    List<String> command = java("-Xms64m", "-Xmx512m");
    command.addAll(List.of("-cp", dist("iceberg-rest/lib").resolve("*").toString(),
        "org.apache.iceberg.rest.RESTCatalogServer"));
    return command;
  }

  /** The server reads its backend catalog's properties from CATALOG_* variables (_ is '.', __ is '-'). */
  @Override
  protected Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CATALOG_REST_PORT", String.valueOf(config.restCatalogPort()));
    env.put("CATALOG_CATALOG__IMPL", "org.apache.iceberg.jdbc.JdbcCatalog");
    env.put("CATALOG_URI", config.catalogJdbcUrl());
    env.put("CATALOG_JDBC_SCHEMA__VERSION", "V1");
    env.put("CATALOG_WAREHOUSE", config.warehouse());
    env.put("CATALOG_IO__IMPL", "org.apache.iceberg.aws.s3.S3FileIO");
    env.put("CATALOG_S3_ENDPOINT", config.s3Endpoint());
    env.put("CATALOG_S3_PATH__STYLE__ACCESS", "true");
    env.put("CATALOG_S3_ACCESS__KEY__ID", config.s3AccessKey());
    env.put("CATALOG_S3_SECRET__ACCESS__KEY", config.s3SecretKey());
    env.put("CATALOG_CLIENT_REGION", "us-east-1");
    env.put("AWS_REGION", "us-east-1");
    return env;
  }

  @Override
  protected void probe() throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/v1/namespaces"))
        .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 200 || !response.body().contains("\"namespaces\"")) {
      throw new IllegalStateException("GET /v1/namespaces: " + response.statusCode() + " " + response.body());
    }
  }
}
