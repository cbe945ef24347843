package io.cryptolake.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.gaps.SequenceGaps;
import io.cryptolake.gold.GoldConfig;
import io.cryptolake.gold.GoldStream;
import io.cryptolake.gold.OhlcvStream;
import io.cryptolake.lake.Tables;
import io.cryptolake.localstack.TopicReader;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.producers.kafka.TradeTopicWriter;
import io.cryptolake.reconcile.Reconciliation;
import io.cryptolake.schemas.AvroBinary;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.SchemaRegistryClient;
import io.cryptolake.schemas.WireFormat;
import io.cryptolake.streaming.StreamingQueries;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.RawTrades;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

/**
 * The extreme-values corpus ({@link ExtremeValues}) through bronze, silver, gold, the bars and the gap check:
 * no record can stop a job. Every record is in silver or the DLQ exactly once, with the reason its value
 * decides; bars that overflow decimal(38,18) have the column NULL and are counted; reconcile passes.
 */
class ExtremeValuesTest {
  private static final String CASE_HEADER = "cryptolake-extreme-case";

  @Test
  void noValueOfAnyFieldStopsAJobAndEveryRecordIsAccountedFor() throws Exception {
    Lake lake = TestLake.lake("extreme", Storage.LOCAL);
    Instant kafkaTime = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    List<ExtremeValues.Case> cases = new ArrayList<>(ExtremeValues.all(kafkaTime));
    Map<Exchange, String> topics = new HashMap<>();
    Map<String, ExtremeValues.Case> byName = new HashMap<>();
    try (TradeTopicWriter writer = new TradeTopicWriter(TestLake.servers().config().kafkaBootstrap())) {
      for (Exchange exchange : Exchange.values()) {
        String topic = "extreme." + exchange.id();
        topics.put(exchange, topic);
        int schemaId = RawTrades.topic(topic, exchange);
        // A schema id the registry knows, whose schema is JSON: unsupported for every record under it.
        int jsonId = new SchemaRegistryClient(TestLake.servers().config().registryUrl())
            .register(topic + "-json-value", "JSON", "{\"$schema\":\"http://json-schema.org/draft-07/schema#\","
                + "\"type\":\"object\",\"properties\":{\"price\":{\"type\":\"string\"}}}");
        for (ExtremeValues.Case c : cases.stream().filter(c -> c.exchange() == exchange).toList()) {
          send(writer, topic, kafkaTime, c.name(), c.key(), WireFormat.frame(schemaId, AvroBinary.encode(c.record())));
          byName.put(c.name(), c);
        }
        String unsupported = exchange.id() + " schema=JSON";
        send(writer, topic, kafkaTime, unsupported, "X",
            WireFormat.frame(jsonId, AvroBinary.encode(cases.get(0).record())));
        byName.put(unsupported, new ExtremeValues.Case(unsupported, exchange, null, Set.of("unsupported_schema")));
      }
      writer.flush();
      assertEquals(0, writer.failures());
    }
    double overflowsBefore = JobMetrics.value(LakeMetric.BAR_OVERFLOWS);

    for (Exchange exchange : Exchange.values()) {
      Pipeline.bronzeCaughtUp(lake, exchange, topics.get(exchange), 100_000);
      StreamingQuery silver = SilverStream.start(TestLake.spark(), lake.config(), Pipeline.silver(lake, exchange));
      silver.processAllAvailable();
      silver.stop();
    }
    GoldConfig gold = new GoldConfig(Duration.ofMinutes(5), 100, lake.stream("200ms"));
    for (StreamingQuery query : List.of(GoldStream.start(TestLake.spark(), lake.config(), gold),
        OhlcvStream.start(TestLake.spark(), lake.config(), gold))) {
      StreamingQueries.awaitDrained(query, Duration.ofMinutes(3));
      query.stop();
      assertTrue(query.exception().isEmpty(), query.name() + " failed: " + query.exception());
    }
    SequenceGaps.Result gaps = SequenceGaps.detect(TestLake.spark(), lake.config(), null, null);

    // Record by record: the outcome its value decides.
    List<String> wrong = new ArrayList<>();
    Map<String, String> reasonByCoordinates = new HashMap<>();
    TestLake.spark().table(lake.config().qualified(Tables.DLQ)).collectAsList().forEach(r -> reasonByCoordinates
        .put(coordinates(r.getAs("kafka_topic"), r.getAs("kafka_partition"), r.getAs("kafka_offset")),
            r.getAs("error_reason")));
    Set<String> inSilver = new java.util.HashSet<>();
    for (Exchange exchange : Exchange.values()) {
      TestLake.spark().table(lake.config().qualified(Tables.silverName(exchange)))
          .select("kafka_topic", "kafka_partition", "kafka_offset").collectAsList()
          .forEach(r -> inSilver.add(coordinates(r.getString(0), r.getInt(1), r.getLong(2))));
    }
    int records = 0;
    for (String topic : topics.values()) {
      for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(TestLake.servers().config().kafkaBootstrap(),
          topic)) {
        records++;
        ExtremeValues.Case c = byName.get(new String(record.headers().lastHeader(CASE_HEADER).value(),
            StandardCharsets.UTF_8));
        String at = coordinates(record.topic(), record.partition(), record.offset());
        String outcome = inSilver.contains(at) ? "valid" : reasonByCoordinates.getOrDefault(at, "MISSING");
        boolean expected = c.valid() ? outcome.equals("valid") : c.reasons().contains(outcome);
        if (!expected) {
          wrong.add(c.name() + ": " + outcome + ", expected " + (c.valid() ? "valid" : c.reasons()));
        }
      }
    }
    assertEquals(byName.size(), records);
    assertEquals(List.of(), wrong);

    Reconciliation.Result reconcile = Reconciliation.run(TestLake.spark(), lake.config(), List.of(Exchange.values()),
        null, null);
    assertTrue(reconcile.ok(), reconcile.toString());
    long validCases = byName.values().stream().filter(ExtremeValues.Case::valid).count();
    assertEquals(validCases, Pipeline.count(lake, Tables.GOLD), "every valid case is a distinct trade in gold");
    // Bars that overflow decimal(38,18) have that column NULL, and are counted: per exchange, the OVER symbol's
    // bar and BTC's, where the largest quantity plus the others' exceeds the maximum, and so does its notional.
    List<String> overflowed = TestLake.spark().table(lake.config().qualified(Tables.OHLCV_1M))
        .where("volume IS NULL OR quote_volume IS NULL OR vwap IS NULL").orderBy("symbol").collectAsList().stream()
        .map(b -> b.getAs("symbol") + (b.getAs("volume") == null ? " volume" : "")
            + (b.getAs("quote_volume") == null ? " quote_volume" : "") + (b.getAs("vwap") == null ? " vwap" : ""))
        .toList();
    assertEquals(List.of("BTCUSD volume quote_volume", "BTCUSDT volume quote_volume", "OVERUSD volume quote_volume",
        "OVERUSDT volume quote_volume"), overflowed);
    assertEquals(4.0, JobMetrics.value(LakeMetric.BAR_OVERFLOWS) - overflowsBefore);
    // The symbols with only the smallest and largest trade id: one gap of 2^64 - 3 ids, saturated, CRITICAL.
    List<Row> edge = gaps.found().stream().filter(g -> g.getAs("symbol").toString().startsWith("EDGE2")).toList();
    assertEquals(2, edge.size(), edge.toString());
    for (Row g : edge) {
      assertEquals(Long.MIN_VALUE + 1, (long) g.getAs("gap_start"));
      assertEquals(Long.MAX_VALUE - 1, (long) g.getAs("gap_end"));
      assertEquals(Long.MAX_VALUE, (long) g.getAs("gap_size"));
      assertEquals("CRITICAL", g.getAs("severity"));
    }
    System.out.printf("extreme values: %d records, %d valid, DLQ by reason %s%n", records, validCases,
        reconcile.dlqByReason());
  }

  private static void send(TradeTopicWriter writer, String topic, Instant kafkaTime, String name, String key,
      byte[] value) {
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, kafkaTime.toEpochMilli(),
        key.getBytes(StandardCharsets.UTF_8), value);
    record.headers().add(CASE_HEADER, name.getBytes(StandardCharsets.UTF_8));
    writer.send(record, null);
  }

  private static String coordinates(String topic, int partition, long offset) {
    return topic + "/" + partition + "@" + offset;
  }
}
