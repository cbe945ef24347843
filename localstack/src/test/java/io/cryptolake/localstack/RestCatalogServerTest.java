package io.cryptolake.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

class RestCatalogServerTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String TABLE = """
      {"name": "trades", "schema": {"type": "struct", "schema-id": 0, "fields": [
        {"id": 1, "name": "trade_id", "required": true, "type": "string"}]}}""";

  @TempDir Path dataDir;

  @Test
  void keepsTablesInPostgresAndTheirMetadataInTheBucketAcrossARestart() throws Exception {
    LocalServersConfig config = LocalServersConfig.defaults().withDataDir(dataDir).withFreePorts()
        .withCatalogServer(LocalServersConfig.CatalogServer.REST);
    try (LocalServers servers = LocalServers.start(config)) {
      RestCatalogServer rest = servers.restCatalog().orElseThrow();
      assertEquals(rest, servers.catalog().orElseThrow(), "the jobs talk to the REST server");
      assertEquals(200, post(rest.url() + "/v1/namespaces", "{\"namespace\": [\"market_data\"]}").statusCode());
      HttpResponse<String> created = post(rest.url() + "/v1/namespaces/market_data/tables", TABLE);
      assertEquals(200, created.statusCode(), created.body());
      assertTrue(created.body().contains("\"metadata-location\":\"s3a://" + config.bucket() + "/warehouse/market_data/"
          + "trades/metadata/"), created.body());

      try (S3Client s3 = servers.s3().client()) {
        assertTrue(s3.listObjectsV2(b -> b.bucket(config.bucket()).prefix("warehouse/market_data/trades/metadata/"))
            .contents().stream().anyMatch(o -> o.key().endsWith(".metadata.json")), "metadata written to the bucket");
      }

      // The catalog's state is PostgreSQL's: a restarted REST server still knows the table.
      rest.stop();
      rest.start();
      HttpResponse<String> listed = HTTP.send(HttpRequest.newBuilder(URI.create(rest.url()
          + "/v1/namespaces/market_data/tables")).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, listed.statusCode(), listed.body());
      assertTrue(listed.body().contains("\"name\":\"trades\""), listed.body());
    }
  }

  private static HttpResponse<String> post(String url, String json) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
