package io.cryptolake.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.bronze.BronzeConfig;
import io.cryptolake.bronze.BronzeStream;
import io.cryptolake.bronze.KafkaOffsets;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.testing.RawTrades;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import io.cryptolake.testing.TestLake;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 13.3: reconcile against Kafka itself. A lagging bronze is reported, not failed; offsets missing from
 * bronze, offsets Kafka never had and offsets Kafka deleted before bronze read them fail it, each counted, unless
 * bronze skipped them and put them on record in control_offset_gaps.
 */
class KafkaCheckTest {
  private static final String TOPIC = "kafka_check.binance";

  @Test
  void bronzeAgainstTheTopicOffsetByOffset() throws Exception {
    Lake lake = TestLake.lake("kafka_check", Storage.LOCAL);
    int schemaId = RawTrades.topic(TOPIC, Exchange.BINANCE);
    String kafka = TestLake.servers().config().kafkaBootstrap();
    send(schemaId, 1, 10);
    bronze(lake, true);
    KafkaCheck caughtUp = check(lake, TOPIC);
    assertTrue(caughtUp.ok(), caughtUp.toString());
    assertEquals(List.of(0L, 0L, 0L, 0L, 10L, 0L), figures(caughtUp));

    // 90 more records bronze has not read: a lag, not a violation.
    send(schemaId, 11, 90);
    KafkaCheck lagging = check(lake, TOPIC);
    assertTrue(lagging.ok(), lagging.toString());
    assertEquals(90, lagging.behind());
    assertEquals(100, lagging.kafkaRecords());

    // Kafka's retention deletes offsets 10..29 before bronze read them: 20 lost, not on record while bronze has
    // not met them.
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, (Object) kafka))) {
      admin.deleteRecords(Map.of(new TopicPartition(TOPIC, 0), RecordsToDelete.beforeOffset(30))).all().get();
    }
    KafkaCheck deleted = check(lake, TOPIC);
    assertFalse(deleted.ok());
    assertEquals(List.of(0L, 0L, 20L, 70L, 70L, 0L), figures(deleted));

    // Bronze skips them (--fail-on-data-loss false) and records the gap before it adds the batch: a loss on
    // record is reported, not a violation.
    bronze(lake, false);
    KafkaCheck skipped = check(lake, TOPIC);
    assertTrue(skipped.ok(), skipped.toString());
    assertEquals(List.of(0L, 0L, 0L, 0L, 70L, 20L), figures(skipped));
    assertEquals(80, skipped.partitions().get(0).bronzeRows());
    List<Row> gaps = TestLake.spark().table(lake.config().qualified(Tables.OFFSET_GAPS)).collectAsList();
    assertEquals(1, gaps.size(), gaps.toString());
    Row gap = gaps.get(0);
    assertEquals(List.of("binance", TOPIC, 0, 10L, 29L, 20L), List.of(gap.getAs("exchange"), gap.getAs("kafka_topic"),
        gap.getAs("kafka_partition"), gap.getAs("first_offset"), gap.getAs("last_offset"), gap.getAs("missing")));
    assertTrue(gap.<String>getAs("detected_by").startsWith("bronze-binance:"), gap.toString());

    // Bronze's retention deletes the rows around the gap: the loss stays on record.
    String bronze = lake.config().qualified(Tables.bronzeName(Exchange.BINANCE));
    TestLake.spark().sql("DELETE FROM " + bronze + " WHERE kafka_offset < 35");
    KafkaCheck retained = check(lake, TOPIC);
    assertTrue(retained.ok(), retained.toString());
    assertEquals(List.of(0L, 0L, 0L, 0L, 70L, 20L), figures(retained));

    // Offsets bronze lost (here deleted by hand), and one Kafka never had.
    TestLake.spark().sql("DELETE FROM " + bronze + " WHERE kafka_offset BETWEEN 40 AND 44");
    TestLake.spark().sql("INSERT INTO " + bronze + " SELECT raw_bytes, kafka_key, kafka_topic, kafka_partition, "
        + "1000000, kafka_timestamp, ingestion_timestamp, ingestion_date FROM " + bronze + " WHERE kafka_offset = 50");
    KafkaCheck broken = check(lake, TOPIC);
    assertEquals(List.of(5L, 1L, 0L, 0L, 70L, 20L), figures(broken));

    // The topic deleted from Kafka: every bronze row is one Kafka does not have.
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, (Object) kafka))) {
      admin.deleteTopics(List.of(TOPIC)).all().get();
    }
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !KafkaOffsets.of(kafka, TOPIC).exists());
    KafkaCheck noTopic = check(lake, TOPIC);
    assertFalse(noTopic.topicExists());
    assertEquals(61, noTopic.notInKafka());
  }

  /** missing, not in Kafka, lost to retention (not on record), behind, records Kafka holds, on record. */
  private static List<Long> figures(KafkaCheck check) {
    return List.of(check.missing(), check.notInKafka(), check.lostToRetention(), check.behind(), check.kafkaRecords(),
        check.recorded());
  }

  private static KafkaCheck check(Lake lake, String topic) {
    return KafkaCheck.run(TestLake.spark(), lake.config(), Exchange.BINANCE,
        TestLake.servers().config().kafkaBootstrap(), topic);
  }

  /** Trades with ids from {@code firstId}, all to partition 0. */
  private static void send(int schemaId, long firstId, int count) {
    RawTrades.send(RawTrades.binance(TOPIC, schemaId, firstId, count, Instant.now()).stream()
        .map(r -> new ProducerRecord<>(TOPIC, 0, r.key(), r.value())).toList());
  }

  private static void bronze(Lake lake, boolean failOnDataLoss) throws Exception {
    StreamingQuery query = BronzeStream.start(TestLake.spark(), lake.config(), new BronzeConfig(Exchange.BINANCE,
        TestLake.servers().config().kafkaBootstrap(), TOPIC, "earliest", 100_000, failOnDataLoss, lake.stream("200ms")));
    query.processAllAvailable();
    query.stop();
  }
}
