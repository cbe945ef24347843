package io.cryptolake.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.lake.Tables;
import io.cryptolake.localstack.TopicReader;
import io.cryptolake.producers.kafka.TradeTopicWriter;
import io.cryptolake.producers.synthetic.FaultKind;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.reconcile.Reconciliation;
import io.cryptolake.schemas.DlqReason;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import io.cryptolake.schemas.WireFormat;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.Produced;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import io.cryptolake.testing.TestLake;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

/**
 * The malformed-input corpus: more than 10,000 bad records through bronze and silver on both exchanges, every
 * fault kind of the synthetic producer plus random bytes, valid frames cut at random lengths and valid headers
 * over random bodies. Every one ends in the DLQ exactly once with a specific reason: the reason its kind must
 * give where the bytes decide it, one of the spec's reasons where only chance does; no query fails.
 */
class MalformedCorpusTest {
  private static final String CASE_HEADER = "cryptolake-corpus-case";
  private static final int RAW_CASES_PER_KIND = 600;

  @Test
  void everyMalformedRecordIsInTheDlqOnceWithASpecificReasonAndNoJobFails() throws Exception {
    Lake lake = TestLake.lake("corpus", Storage.LOCAL);
    Map<Exchange, String> topics = Produced.topics("corpus");
    // Every record faulty, every kind equally (with 5% valid trades, duplicates and out-of-order ones among them).
    Manifest manifest = Produced.send(Produced.config(topics).withCount(3_700)
        .withFaults(SyntheticConfig.spreadFaults(0.95)).withSeed(19));
    Map<Exchange, List<RawCase>> raw = new HashMap<>();
    for (Exchange exchange : Exchange.values()) {
      raw.put(exchange, sendRawCases(topics.get(exchange), manifest.exchanges().get(exchange.id()).schemaId(),
          new Random(exchange.ordinal() + 23)));
    }
    long malformed = manifest.exchanges().values().stream().mapToLong(Manifest.ExchangeCounts::expectedDlqTotal).sum()
        + raw.values().stream().mapToLong(List::size).sum();
    assertTrue(malformed >= 10_000, "malformed cases: " + malformed);

    Map<String, Long> byReason = new TreeMap<>();
    for (Exchange exchange : Exchange.values()) {
      Pipeline.bronzeCaughtUp(lake, exchange, topics.get(exchange), 2_000);
      StreamingQuery silver = SilverStream.start(TestLake.spark(), lake.config(), Pipeline.silver(lake, exchange));
      silver.processAllAvailable();
      assertNull(silver.exception().getOrElse(() -> null), "silver did not fail");
      silver.stop();

      Map<String, ConsumerRecord<byte[], byte[]>> byOffset = new HashMap<>();
      TopicReader.readAll(TestLake.servers().config().kafkaBootstrap(), topics.get(exchange))
          .forEach(r -> byOffset.put(r.partition() + "@" + r.offset(), r));
      Manifest.ExchangeCounts counts = manifest.exchanges().get(exchange.id());
      List<Row> dlq = Pipeline.dlq(lake, exchange);
      assertEquals(counts.expectedDlqTotal() + raw.get(exchange).size(), dlq.size(), exchange + " DLQ rows");
      assertEquals(counts.valid(), Pipeline.count(lake, Tables.silverName(exchange)), exchange + " silver rows");
      for (Row row : dlq) {
        ConsumerRecord<byte[], byte[]> record = byOffset.get(row.getAs("kafka_partition") + "@" + row.getAs("kafka_offset"));
        String reason = row.getAs("error_reason");
        Optional<DlqReason> expected = expectedReason(record);
        if (expected.isPresent()) {
          assertEquals(expected.get().reason(), reason, "the DLQ row of " + describe(record));
        } else {
          assertTrue(Arrays.stream(DlqReason.values()).anyMatch(r -> r.reason().equals(reason)),
              "a specific reason for " + describe(record) + ": " + reason);
        }
        assertTrue(Arrays.equals(record.value(), row.getAs("raw_record")), "raw bytes kept");
        byReason.merge(reason, 1L, Long::sum);
      }
    }
    Reconciliation.Result reconcile = Reconciliation.run(TestLake.spark(), lake.config(), List.of(Exchange.values()),
        null, null);
    assertTrue(reconcile.ok(), "every bronze offset in exactly one of silver or the DLQ");
    assertEquals(byReason, reconcile.dlqByReason());
    assertEquals(malformed, byReason.values().stream().mapToLong(Long::longValue).sum());
    System.out.printf("malformed corpus: %,d cases, DLQ by reason %s%n", malformed, byReason);
  }

  /** The raw cases, each tagged with its kind in a header; none of them is a record the producer made. */
  private static List<RawCase> sendRawCases(String topic, int schemaId, Random random) {
    byte[] valid = TopicReader.readAll(TestLake.servers().config().kafkaBootstrap(), topic).stream()
        .filter(r -> kind(r).equals(Manifest.VALID)).findFirst().orElseThrow().value();
    List<RawCase> cases = new ArrayList<>();
    for (int i = 0; i < RAW_CASES_PER_KIND; i++) {
      byte[] noise = new byte[random.nextInt(300)];
      random.nextBytes(noise);
      cases.add(new RawCase("RANDOM_BYTES", noise));
      cases.add(new RawCase("CUT_FRAME", Arrays.copyOf(valid, random.nextInt(valid.length))));
      byte[] body = new byte[1 + random.nextInt(120)];
      random.nextBytes(body);
      cases.add(new RawCase("RANDOM_BODY", WireFormat.frame(schemaId, body)));
    }
    try (TradeTopicWriter writer = new TradeTopicWriter(TestLake.servers().config().kafkaBootstrap())) {
      for (RawCase c : cases) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, null, c.bytes());
        record.headers().add(CASE_HEADER, c.kind().getBytes(StandardCharsets.UTF_8));
        writer.send(record, null);
      }
      writer.flush();
      assertEquals(0, writer.failures());
    }
    return cases;
  }

  /** Where the bytes decide the reason: the producer's fault kinds, bad framing, truncation, unknown ids. */
  private static Optional<DlqReason> expectedReason(ConsumerRecord<byte[], byte[]> record) {
    String kind = kind(record);
    if (!Set.of("RANDOM_BYTES", "CUT_FRAME", "RANDOM_BODY").contains(kind)) {
      return Optional.of(FaultKind.valueOf(kind).expectedReason());
    }
    byte[] bytes = record.value();
    if (bytes == null || bytes.length < WireFormat.HEADER_LENGTH || bytes[0] != 0) {
      return Optional.of(DlqReason.INVALID_WIRE_FORMAT);
    }
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    if (kind.equals("CUT_FRAME")) {
      return Optional.of(DlqReason.AVRO_DECODE_FAILED);
    }
    if (kind.equals("RANDOM_BYTES") && (id < 0 || id > 1_000_000)) {
      return Optional.of(DlqReason.UNKNOWN_SCHEMA_ID);
    }
    return Optional.empty();  // a registered schema over random bytes: which rule fails first is chance
  }

  private static String kind(ConsumerRecord<byte[], byte[]> record) {
    for (String name : List.of(CASE_HEADER, Manifest.KIND_HEADER)) {
      Header header = record.headers().lastHeader(name);
      if (header != null) {
        return new String(header.value(), StandardCharsets.UTF_8);
      }
    }
    return "?";
  }

  private static String describe(ConsumerRecord<byte[], byte[]> record) {
    return "a " + kind(record) + " record at " + record.partition() + "@" + record.offset();
  }

  private record RawCase(String kind, byte[] bytes) {}
}
