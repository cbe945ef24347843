package io.cryptolake.bronze;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.Tables;
import io.cryptolake.localstack.TopicReader;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import io.cryptolake.streaming.Failures;
import io.cryptolake.streaming.StreamConfig;
import io.cryptolake.testing.Produced;
import io.cryptolake.testing.RawTrades;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import io.cryptolake.testing.TestLake;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.services.s3.S3Client;

class BronzeStreamTest {

  @ParameterizedTest
  @EnumSource(Storage.class)
  void everyProducedOffsetIsInBronzeExactlyOnceWithItsBytesAndMetadata(Storage storage) throws Exception {
    String name = "bronze_" + storage.name().toLowerCase();
    Lake lake = TestLake.lake(name, storage);
    Map<Exchange, String> topics = Produced.topics(name);
    Manifest manifest = Produced.send(Produced.config(topics).withCount(5_100)
        .withFaults(SyntheticConfig.spreadFaults(0.05)));
    assertTrue(manifest.totalSent() >= 10_000);

    for (Exchange exchange : Exchange.values()) {
      StreamingQuery query = BronzeStream.start(TestLake.spark(), lake.config(),
          config(exchange, topics.get(exchange), lake, 100_000));
      query.processAllAvailable();
      query.stop();
      assertBronzeEqualsTopic(lake, exchange, topics.get(exchange));
      assertEquals(manifest.exchanges().get(exchange.id()).sent(), bronzeRows(lake, exchange).size());
    }

    if (storage == Storage.S3) {
      String bucket = TestLake.servers().config().bucket();
      try (S3Client s3 = TestLake.servers().s3().client()) {
        assertTrue(keys(s3, bucket, name + "/warehouse/").stream().anyMatch(k -> k.endsWith(".parquet")),
            "data files are in the bucket");
        assertTrue(keys(s3, bucket, name + "/checkpoints/bronze-binance/offsets/").size() > 0,
            "checkpoints are in the bucket");
      }
    }
  }

  @Test
  void stoppedMidStreamAndRestartedAfterACrashBeforeTheCheckpointCommitNothingIsMissingOrDoubled()
      throws Exception {
    Lake lake = TestLake.lake("bronze_restart", Storage.LOCAL);
    String topic = "bronze_restart.binance";
    SyntheticConfig producing = Produced.config(Map.of(Exchange.BINANCE, topic))
        .withCount(6_000).withExchanges(List.of(Exchange.BINANCE)).withRate(3_000);
    CompletableFuture<Manifest> producer = CompletableFuture.supplyAsync(() -> Produced.send(producing));
    BronzeConfig config = config(Exchange.BINANCE, topic, lake, 400);

    StreamingQuery first = BronzeStream.start(TestLake.spark(), lake.config(), config);
    await().atMost(Duration.ofMinutes(2)).until(() -> first.lastProgress() != null && first.lastProgress().batchId() >= 2
        && first.lastProgress().numInputRows() > 0);
    first.stop();
    assertTrue(!producer.isDone() || bronzeRows(lake, Exchange.BINANCE).size() < 6_000, "stopped mid-stream");

    // As if the process died after Iceberg committed the last batch but before Spark recorded it: the restart
    // runs that batch again, and the commit's batch marker must be recognised.
    Path commits = Paths.get(URI.create(config.stream().checkpointFor(config.jobName()) + "/commits"));
    Path lastCommit = newestBatchFile(commits);
    Files.delete(lastCommit);
    Files.deleteIfExists(commits.resolve("." + lastCommit.getFileName() + ".crc"));

    StreamingQuery second = BronzeStream.start(TestLake.spark(), lake.config(), config);
    Manifest manifest = producer.join();
    second.processAllAvailable();
    second.stop();

    assertEquals(6_000, manifest.exchanges().get("binance").sent());
    assertBronzeEqualsTopic(lake, Exchange.BINANCE, topic);
  }

  /**
   * Issue 13.4: two bronze jobs with two checkpoints on one table. The second copy's batch holds offsets the
   * table already has: it stops with the reason and adds nothing (through Iceberg's streaming sink, bronze
   * appended them again).
   */
  @Test
  void aSecondCopyWithAnotherCheckpointStopsRatherThanAddOffsetsTheTableHas() throws Exception {
    Lake lake = TestLake.lake("bronze_two_copies", Storage.LOCAL);
    String topic = "bronze_two_copies.binance";
    int schemaId = RawTrades.topic(topic, Exchange.BINANCE);
    sendToPartition0(topic, schemaId, 1, 50);
    BronzeConfig first = config(Exchange.BINANCE, topic, lake, 100_000);
    BronzeConfig second = new BronzeConfig(Exchange.BINANCE, first.bootstrapServers(), topic, "earliest", 100_000,
        true, new StreamConfig(lake.checkpointRoot() + "-second", first.stream().triggerInterval()));
    drain(BronzeStream.start(TestLake.spark(), lake.config(), first));
    // The second copy starts after what the table holds (its checkpoint is empty) and reads offsets 50..99.
    sendToPartition0(topic, schemaId, 51, 50);
    drain(BronzeStream.start(TestLake.spark(), lake.config(), second));
    assertEquals(100, bronzeRows(lake, Exchange.BINANCE).size());

    // The first copy's checkpoint is at offset 50: its next batch is 50..99, which the table has.
    StreamingQuery late = BronzeStream.start(TestLake.spark(), lake.config(), first);
    StreamingQueryException stopped = assertThrows(StreamingQueryException.class,
        () -> late.awaitTermination(120_000));
    assertTrue(Failures.isPermanent(stopped, false), stopped.toString());
    String reason = Failures.rootMessage(stopped);
    assertTrue(reason.contains("ConfigError: bronze-binance: this batch holds offsets 50..99 of " + topic
        + " partition 0, but "), reason);
    assertTrue(reason.contains("bronze_binance_trades already holds offsets up to 99"), reason);
    assertBronzeEqualsTopic(lake, Exchange.BINANCE, topic);
  }

  private static void sendToPartition0(String topic, int schemaId, long firstId, int count) {
    RawTrades.send(RawTrades.binance(topic, schemaId, firstId, count, java.time.Instant.now()).stream()
        .map(r -> new ProducerRecord<>(topic, 0, r.key(), r.value())).toList());
  }

  private static void drain(StreamingQuery query) throws Exception {
    query.processAllAvailable();
    query.stop();
  }

  private static BronzeConfig config(Exchange exchange, String topic, Lake lake, long maxOffsets) {
    return new BronzeConfig(exchange, TestLake.servers().config().kafkaBootstrap(), topic, "earliest", maxOffsets,
        true, lake.stream("500ms"));
  }

  /** Bronze holds each Kafka record once, with identical bytes, key, topic, partition, offset and timestamp. */
  private static void assertBronzeEqualsTopic(Lake lake, Exchange exchange, String topic) {
    List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(TestLake.servers().config().kafkaBootstrap(), topic);
    List<Row> rows = bronzeRows(lake, exchange);
    assertEquals(records.size(), rows.size(), "one bronze row per Kafka record");
    Map<String, Row> byOffset = new HashMap<>();
    for (Row row : rows) {
      Row previous = byOffset.put(row.getAs("kafka_partition") + "/" + row.getAs("kafka_offset"), row);
      assertEquals(null, previous, "offset " + row.getAs("kafka_offset") + " is in bronze twice");
    }
    for (ConsumerRecord<byte[], byte[]> record : records) {
      Row row = byOffset.get(record.partition() + "/" + record.offset());
      assertNotNull(row, "offset " + record.partition() + "/" + record.offset() + " is missing");
      assertArrayEquals(record.value(), row.getAs("raw_bytes"));
      assertEquals(new String(record.key(), StandardCharsets.UTF_8), row.getAs("kafka_key"));
      assertEquals(topic, row.getAs("kafka_topic"));
      assertEquals(record.timestamp(), ((Timestamp) row.getAs("kafka_timestamp")).getTime());
      Timestamp ingested = row.getAs("ingestion_timestamp");
      assertEquals(ingested.toInstant().atZone(ZoneOffset.UTC).toLocalDate(),
          ((java.sql.Date) row.getAs("ingestion_date")).toLocalDate());
    }
    assertEquals("7", new LakeCatalog(TestLake.spark(), lake.config()).load(Tables.bronzeName(exchange))
        .properties().get(Tables.RETENTION_DAYS));
  }

  private static List<Row> bronzeRows(Lake lake, Exchange exchange) {
    return TestLake.spark().table(lake.config().qualified(Tables.bronzeName(exchange))).collectAsList();
  }

  private static List<String> keys(S3Client s3, String bucket, String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
        .map(o -> o.key()).toList();
  }

  private static Path newestBatchFile(Path dir) throws java.io.IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().matches("\\d+"))
          .max(Comparator.comparingLong(f -> Long.parseLong(f.getFileName().toString())))
          .orElseThrow();
    }
  }
}
