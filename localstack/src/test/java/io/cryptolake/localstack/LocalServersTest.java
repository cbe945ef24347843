package io.cryptolake.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.schemas.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

class LocalServersTest {
  @TempDir Path dataDir;

  @Test
  void startsRealServersKeepsRegistryDataAcrossRestartAndLeavesNoProcessBehind() {
    LocalServersConfig config = LocalServersConfig.defaults().withDataDir(dataDir).withFreePorts();
    List<ProcessHandle> children;
    Schema schema = SchemaBuilder.record("T").fields().requiredString("a").endRecord();
    int id;
    try (LocalServers servers = LocalServers.start(config)) {
      children = ProcessHandle.current().children().toList();
      assertEquals(3, children.size(), "one JVM per server");

      try (S3Client s3 = servers.s3().client()) {
        s3.putObject(b -> b.bucket(config.bucket()).key("hello.txt"), RequestBody.fromString("hi"));
        assertEquals("hi", s3.getObjectAsBytes(b -> b.bucket(config.bucket()).key("hello.txt")).asUtf8String());
      }
      SchemaRegistryClient registry = new SchemaRegistryClient(servers.registry().url());
      id = registry.register("test-value", schema);
      assertEquals(schema, registry.schemaById(id).orElseThrow().avro());
      assertTrue(registry.schemaById(987_654_321).isEmpty(), "unknown ids are a 404, not an error");

      // The registry keeps its schemas on disk: a restart must not invalidate ids already in Kafka.
      servers.registry().stop();
      assertThrows(SchemaRegistryClient.RegistryUnavailableException.class, () -> registry.schemaById(id));
      servers.registry().start();
      assertEquals(schema, registry.schemaById(id).orElseThrow().avro());
      children = ProcessHandle.current().children().toList();
    }
    for (ProcessHandle child : children) {
      assertFalse(child.isAlive(), "process " + child.pid() + " outlived close()");
    }
    assertTrue(Files.exists(config.dataDir().resolve("kafka.log")));
  }

  @Test
  void aTakenPortOfAnyServerStopsTheStartBeforeAnyServerRuns() throws Exception {
    LocalServersConfig config = LocalServersConfig.defaults().withDataDir(dataDir).withFreePorts();
    try (java.net.ServerSocket taken = new java.net.ServerSocket(config.s3Port(), 1,
        java.net.InetAddress.getLoopbackAddress())) {
      IllegalStateException error = assertThrows(IllegalStateException.class, () -> LocalServers.start(config));
      assertTrue(error.getMessage().contains("s3 cannot start: port " + config.s3Port()), error.getMessage());
      assertTrue(error.getMessage().contains("CRYPTOLAKE_S3_PORT"), error.getMessage());
    }
    assertEquals(List.of(), ProcessHandle.current().children().filter(ProcessHandle::isAlive)
        .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList(), "no server left running");
    assertFalse(Files.exists(config.dataDir().resolve("kafka.log")), "Kafka, first to start, never ran");
  }

  @Test
  void aTakenPortIsReportedWithTheSettingThatMovesIt() throws Exception {
    LocalServersConfig config = LocalServersConfig.defaults().withDataDir(dataDir).withFreePorts();
    try (java.net.ServerSocket taken = new java.net.ServerSocket(config.s3Port(), 1,
        java.net.InetAddress.getLoopbackAddress())) {
      IllegalStateException error = assertThrows(IllegalStateException.class, () -> new S3Server(config).start());
      assertTrue(error.getMessage().contains("port " + config.s3Port()), error.getMessage());
      assertTrue(error.getMessage().contains("CRYPTOLAKE_S3_PORT"), error.getMessage());
    }
  }

  @Test
  void theEnvironmentFilePointsTheJobsAtTheseServers() throws Exception {
    LocalServersConfig config = LocalServersConfig.defaults().withDataDir(dataDir).withFreePorts();
    Path file = dataDir.resolve("servers.env");
    LocalServersCli.writeEnv(config.withCatalogServer(LocalServersConfig.CatalogServer.POSTGRES), file);
    List<String> common = List.of(
        "CRYPTOLAKE_KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:" + config.kafkaPort(),
        "CRYPTOLAKE_S3_ENDPOINT=http://127.0.0.1:" + config.s3Port(),
        "CRYPTOLAKE_REGISTRY_URL=http://127.0.0.1:" + config.registryPort() + "/apis/ccompat/v7",
        "AWS_ACCESS_KEY_ID=" + config.s3AccessKey(),
        "AWS_SECRET_ACCESS_KEY=" + config.s3SecretKey(),
        "CRYPTOLAKE_WAREHOUSE=s3a://" + config.bucket() + "/warehouse",
        "CRYPTOLAKE_CHECKPOINT_ROOT=s3a://" + config.bucket() + "/checkpoints");
    List<String> postgres = new java.util.ArrayList<>(common);
    postgres.add("CRYPTOLAKE_CATALOG_URI=jdbc:postgresql://127.0.0.1:" + config.postgresPort()
        + "/iceberg?user=iceberg");
    assertEquals(postgres, Files.readAllLines(file));

    LocalServersCli.writeEnv(config.withCatalogServer(LocalServersConfig.CatalogServer.REST), file);
    List<String> rest = new java.util.ArrayList<>(common);
    rest.addAll(List.of("CRYPTOLAKE_CATALOG_TYPE=REST",
        "CRYPTOLAKE_CATALOG_URI=http://127.0.0.1:" + config.restCatalogPort()));
    assertEquals(rest, Files.readAllLines(file));
    assertFalse(Files.exists(dataDir.resolve("servers.env.partial")), "written whole, then moved into place");
  }
}
