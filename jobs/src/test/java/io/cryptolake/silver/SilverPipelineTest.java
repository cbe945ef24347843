package io.cryptolake.silver;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.localstack.TopicReader;
import io.cryptolake.producers.kafka.TradeTopicWriter;
import io.cryptolake.producers.synthetic.FaultKind;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.reconcile.Reconciliation;
import io.cryptolake.schemas.AvroBinary;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import io.cryptolake.schemas.SchemaRegistryClient;
import io.cryptolake.schemas.WireFormat;
import io.cryptolake.streaming.QuerySupervisor;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.Produced;
import io.cryptolake.testing.SparkJobs;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import io.cryptolake.testing.TestLake;
import io.cryptolake.validation.ValidationConfig;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

class SilverPipelineTest {
  private static final String BOOTSTRAP = TestLake.servers().config().kafkaBootstrap();

  /**
   * Every fault kind into both exchanges, both silver jobs running at once against the shared DLQ: silver and
   * the DLQ hold exactly what the manifest says, each DLQ row has the reason its fault must give, every valid
   * trade is in silver field for field, and reconcile passes.
   */
  @Test
  void everyFaultKindIsAccountedForAndEveryValidTradeIsExact() throws Exception {
    Lake lake = TestLake.lake("silver_all", Storage.LOCAL);
    Map<Exchange, String> topics = Produced.topics("silver_all");
    Manifest manifest = Produced.send(Produced.config(topics).withCount(3_000)
        .withFaults(SyntheticConfig.spreadFaults(0.3)).withSeed(11));
    for (Exchange exchange : Exchange.values()) {
      Pipeline.bronzeCaughtUp(lake, exchange, topics.get(exchange), 500);
    }

    SilverStream.StatsLog stats = new SilverStream.StatsLog();
    List<StreamingQuery> silver = new ArrayList<>();
    for (Exchange exchange : Exchange.values()) {
      silver.add(SilverStream.start(TestLake.spark(), lake.config(), Pipeline.silver(lake, exchange), b -> {}, stats));
    }
    for (StreamingQuery query : silver) {
      query.processAllAvailable();
    }
    for (StreamingQuery query : silver) {
      query.stop();
    }

    Reconciliation.Result reconcile = Reconciliation.run(TestLake.spark(), lake.config(), List.of(Exchange.values()),
        null, null);
    assertTrue(reconcile.ok(), reconcile.toString());
    assertEquals(manifest.expectedDlqReasons(), reconcile.dlqByReason());

    for (Exchange exchange : Exchange.values()) {
      Manifest.ExchangeCounts counts = manifest.exchanges().get(exchange.id());
      List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(BOOTSTRAP, topics.get(exchange));
      Map<String, ConsumerRecord<byte[], byte[]>> byOffset = new HashMap<>();
      records.forEach(r -> byOffset.put(r.partition() + "@" + r.offset(), r));

      List<Row> dlq = Pipeline.dlq(lake, exchange);
      assertEquals(counts.expectedDlqTotal(), dlq.size());
      Map<String, Long> dlqByReason = new TreeMap<>();
      for (Row row : dlq) {
        ConsumerRecord<byte[], byte[]> record = byOffset.get(row.getAs("kafka_partition") + "@" + row.getAs("kafka_offset"));
        String kind = kindOf(record);
        assertEquals(FaultKind.valueOf(kind).expectedReason().reason(), row.getAs("error_reason"),
            "the DLQ row of a " + kind + " record");
        assertEquals(FaultKind.valueOf(kind).expectedReason().type().value(), row.getAs("error_type"));
        assertTrue(java.util.Arrays.equals(record.value(), row.getAs("raw_record")), "raw bytes kept");
        dlqByReason.merge(row.getAs("error_reason"), 1L, Long::sum);
      }
      assertEquals(counts.expectedDlqReasons(), dlqByReason);

      List<Row> rows = Pipeline.rows(lake, Tables.silverName(exchange));
      assertEquals(counts.valid(), rows.size());
      for (Row row : rows) {
        ConsumerRecord<byte[], byte[]> record = byOffset.get(row.getAs("kafka_partition") + "@" + row.getAs("kafka_offset"));
        assertSilverRowIs(ExpectedTrade.of(exchange, decode(exchange.rawSchema(), record.value())), row, record);
      }
    }

    long validSeen = stats.batches().stream().mapToLong(SilverBatchStats::valid).sum();
    long invalidSeen = stats.batches().stream().mapToLong(SilverBatchStats::invalid).sum();
    assertEquals(manifest.exchanges().values().stream().mapToLong(Manifest.ExchangeCounts::valid).sum(), validSeen);
    assertEquals(manifest.exchanges().values().stream().mapToLong(Manifest.ExchangeCounts::expectedDlqTotal).sum(),
        invalidSeen);
    assertTrue(stats.batches().size() > 4, "small batches, so the two jobs' DLQ commits interleave");
  }

  /**
   * Spark runs batch 0 of silver's query even over an empty bronze: a batch of no rows, counted and logged, with
   * no Spark job (planning, compiling and running the transform took 22 s of a cold start while bronze's first
   * tasks waited for the task slots); the next batch has every row, valid or not.
   */
  @Test
  void aBatchOverAnEmptyBronzeStartsNoSparkJobAndTheNextHasEveryRow() throws Exception {
    Lake lake = TestLake.lake("silver_empty_start", Storage.LOCAL);
    Map<Exchange, String> topics = Produced.topics("silver_empty_start");
    Exchange exchange = Exchange.KRAKEN;
    SilverStream.StatsLog stats = new SilverStream.StatsLog();
    List<StreamingQuery> started = new ArrayList<>();
    Map<String, Long> jobs = SparkJobs.byQuery(TestLake.spark(), () -> {
      started.add(SilverStream.start(TestLake.spark(), lake.config(), Pipeline.silver(lake, exchange), b -> {},
          stats));
      started.get(0).processAllAvailable();
    });
    StreamingQuery silver = started.get(0);
    assertEquals(0L, jobs.getOrDefault(silver.id().toString(), 0L), "Spark jobs of batch 0 over an empty bronze");
    assertEquals(List.of(new SilverBatchStats(silver.name(), 0, 0, Map.of(), Map.of())), stats.batches());

    Manifest manifest = Produced.send(Produced.config(topics).withCount(400)
        .withFaults(SyntheticConfig.spreadFaults(0.3)).withSeed(13));
    Pipeline.bronzeCaughtUp(lake, exchange, topics.get(exchange), 1_000);
    Map<String, Long> later = SparkJobs.byQuery(TestLake.spark(), silver::processAllAvailable);
    silver.stop();
    assertTrue(later.getOrDefault(silver.id().toString(), 0L) > 0, "a batch with rows runs its jobs");
    Manifest.ExchangeCounts counts = manifest.exchanges().get(exchange.id());
    assertEquals(counts.valid(), Pipeline.count(lake, Tables.silverName(exchange)));
    Map<String, Long> dlqByReason = new TreeMap<>();
    Pipeline.dlq(lake, exchange).forEach(row -> dlqByReason.merge(row.getAs("error_reason"), 1L, Long::sum));
    assertEquals(counts.expectedDlqReasons(), dlqByReason);
    List<SilverBatchStats> withRows = stats.batches().subList(1, stats.batches().size());
    assertEquals(counts.valid(), withRows.stream().mapToLong(SilverBatchStats::valid).sum());
    assertEquals(counts.expectedDlqTotal(), withRows.stream().mapToLong(SilverBatchStats::invalid).sum());
  }

  /** A producer that adds an optional field registers a second schema version; both versions decode. */
  @Test
  void bothVersionsOfAnEvolvedSchemaDecodeFromTheSameTopic() throws Exception {
    Lake lake = TestLake.lake("silver_evolution", Storage.LOCAL);
    String topic = "silver_evolution.binance";
    Manifest v1 = Produced.send(Produced.config(Map.of(Exchange.BINANCE, topic)).withExchanges(List.of(Exchange.BINANCE))
        .withCount(500).withFaults(Map.of()));
    Schema v2 = evolved(Exchange.BINANCE.rawSchema(), "trade_source");
    int v2Id = new SchemaRegistryClient(TestLake.servers().config().registryUrl()).register(topic + "-value", v2);
    int v1Id = v1.exchanges().get("binance").schemaId();
    assertTrue(v2Id != v1Id);
    List<GenericRecord> sent = sendEvolved(topic, v2, v2Id, 300, "websocket");

    Pipeline.bronzeCaughtUp(lake, Exchange.BINANCE, topic, 10_000);
    StreamingQuery silver = SilverStream.start(TestLake.spark(), lake.config(), Pipeline.silver(lake, Exchange.BINANCE));
    silver.processAllAvailable();
    silver.stop();

    List<Row> rows = Pipeline.rows(lake, Tables.silverName(Exchange.BINANCE));
    assertEquals(v1.exchanges().get("binance").valid() + sent.size(), rows.size());
    assertEquals(0, Pipeline.dlq(lake, Exchange.BINANCE).size());
    assertEquals(sent.size(), rows.stream().filter(r -> (Integer) r.getAs("schema_id") == v2Id).count());
    Map<String, Row> byTradeId = new HashMap<>();
    rows.forEach(r -> byTradeId.put(r.getAs("trade_id"), r));
    for (GenericRecord record : sent) {
      Row row = byTradeId.get("BINANCE-" + record.get("trade_id"));
      assertNotNull(row);
      assertEquals(0, new BigDecimal(record.get("price").toString()).compareTo(row.getAs("price")));
    }
  }

  /** A registry that cannot be reached is not bad data: the job retries and recovers, nothing goes to the DLQ. */
  @Test
  void aRegistryOutageFailsBatchesUntilItIsBackAndPutsNothingInTheDlq() throws Exception {
    Lake lake = TestLake.lake("silver_outage", Storage.LOCAL);
    String topic = "silver_outage.kraken";
    TradeTopicWriter.ensureTopic(BOOTSTRAP, topic, 2);
    // A schema no other test used, so no decoder has its id cached yet.
    Schema schema = evolved(Exchange.KRAKEN.rawSchema(), "outage_marker");
    int id = new SchemaRegistryClient(TestLake.servers().config().registryUrl()).register(topic + "-value", schema);
    List<GenericRecord> sent = new ArrayList<>();
    try {
      TestLake.servers().registry().stop();
      sent.addAll(sendEvolved(topic, schema, id, 400, "outage"));
      Pipeline.bronzeCaughtUp(lake, Exchange.KRAKEN, topic, 10_000);

      QuerySupervisor supervisor = new QuerySupervisor(
          () -> SilverStream.start(TestLake.spark(), lake.config(),
              Pipeline.silver(lake, Exchange.KRAKEN, ValidationConfig.defaults(), Duration.ofSeconds(1))),
          new QuerySupervisor.RestartPolicy(100, Duration.ofMillis(500), Duration.ofSeconds(2)));
      CompletableFuture<Integer> running = CompletableFuture.supplyAsync(supervisor::run);
      await().atMost(Duration.ofMinutes(2)).until(() -> supervisor.restarts() >= 2);
      assertEquals(0, Pipeline.count(lake, Tables.DLQ), "an outage is not bad data");

      TestLake.servers().registry().start();
      await().atMost(Duration.ofMinutes(3)).until(
          () -> Pipeline.count(lake, Tables.silverName(Exchange.KRAKEN)) == sent.size());
      supervisor.stop();
      supervisor.current().stop();
      assertEquals(0, running.get());
    } finally {
      TestLake.servers().registry().start();
    }
    assertEquals(0, Pipeline.count(lake, Tables.DLQ));
    assertTrue(reconcile(lake.config(), Exchange.KRAKEN).ok());
  }

  /** The process dies after the silver write and before the DLQ write: the restart writes each row once. */
  @Test
  void aCrashBetweenTheSilverAndTheDlqWriteNeitherLosesNorDoublesARow() throws Exception {
    Lake lake = TestLake.lake("silver_crash", Storage.LOCAL);
    String topic = "silver_crash.binance";
    Manifest manifest = Produced.send(Produced.config(Map.of(Exchange.BINANCE, topic))
        .withExchanges(List.of(Exchange.BINANCE)).withCount(2_000).withFaults(SyntheticConfig.spreadFaults(0.2)));
    Pipeline.bronzeCaughtUp(lake, Exchange.BINANCE, topic, 100_000);
    Manifest.ExchangeCounts counts = manifest.exchanges().get("binance");

    AtomicBoolean crashed = new AtomicBoolean();
    StreamingQuery first = SilverStream.start(TestLake.spark(), lake.config(), Pipeline.silver(lake, Exchange.BINANCE),
        batchId -> {
          if (!crashed.getAndSet(true)) {
            throw new IllegalStateException("injected crash after the silver write of batch " + batchId);
          }
        }, stats -> {});
    assertThrows(Exception.class, first::processAllAvailable);
    assertTrue(crashed.get());
    long silverAfterCrash = Pipeline.count(lake, Tables.silverName(Exchange.BINANCE));
    assertTrue(silverAfterCrash > 0, "the silver write happened");
    assertEquals(0, Pipeline.count(lake, Tables.DLQ), "the DLQ write did not");

    StreamingQuery second = SilverStream.start(TestLake.spark(), lake.config(), Pipeline.silver(lake, Exchange.BINANCE));
    second.processAllAvailable();
    second.stop();

    assertEquals(counts.valid(), Pipeline.count(lake, Tables.silverName(Exchange.BINANCE)));
    assertEquals(counts.expectedDlqTotal(), Pipeline.count(lake, Tables.DLQ));
    assertTrue(reconcile(lake.config(), Exchange.BINANCE).ok());
  }

  private static Reconciliation.Result reconcile(LakeConfig lake, Exchange exchange) {
    return Reconciliation.run(TestLake.spark(), lake, List.of(exchange), null, null);
  }

  private static void assertSilverRowIs(ExpectedTrade expected, Row row, ConsumerRecord<byte[], byte[]> record) {
    String where = expected.tradeId();
    assertEquals(expected.messageId(), row.getAs("message_id"), where);
    assertEquals(expected.tradeId(), row.getAs("trade_id"), where);
    assertEquals(expected.symbol(), row.getAs("symbol"), where);
    assertEquals("crypto", row.getAs("asset_class"), where);
    assertEquals(expected.timestamp(), ((Timestamp) row.getAs("timestamp")).toInstant(), where);
    // Exact: the same number, and nothing lost to a double or a rounding.
    assertEquals(expected.price().setScale(18), row.getAs("price"), where);
    assertEquals(expected.quantity().setScale(18), row.getAs("quantity"), where);
    assertEquals(expected.currency(), row.getAs("currency"), where);
    assertEquals(expected.side(), row.getAs("side"), where);
    assertEquals(List.of(), row.getList(row.fieldIndex("trade_conditions")), where);
    assertEquals(expected.sourceSequence(), (Long) row.getAs("source_sequence"), where);
    assertEquals(record.offset(), (Long) row.getAs("platform_sequence"), where);
    assertEquals(expected.vendorData(), JavaConverters.mapAsJavaMap(row.getAs("vendor_data")), where);
    assertEquals(expected.ingestionTimestamp(), ((Timestamp) row.getAs("ingestion_timestamp")).toInstant(), where);
    assertEquals(record.topic(), row.getAs("kafka_topic"), where);
    assertEquals(WireFormat.schemaId(record.value()), (Integer) row.getAs("schema_id"), where);
  }

  private static String kindOf(ConsumerRecord<byte[], byte[]> record) {
    return new String(record.headers().lastHeader(Manifest.KIND_HEADER).value(), StandardCharsets.UTF_8);
  }

  static GenericRecord decode(Schema schema, byte[] framed) {
    try {
      return new GenericDatumReader<GenericRecord>(schema).read(null,
          DecoderFactory.get().binaryDecoder(WireFormat.body(framed), null));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The raw schema with one optional string field added at the end. */
  static Schema evolved(Schema raw, String newField) {
    List<Schema.Field> fields = new ArrayList<>();
    raw.getFields().forEach(f -> fields.add(new Schema.Field(f, f.schema())));
    fields.add(new Schema.Field(newField, Schema.createUnion(Schema.create(Schema.Type.NULL),
        Schema.create(Schema.Type.STRING)), "added in version 2", Schema.Field.NULL_DEFAULT_VALUE));
    return Schema.createRecord(raw.getName(), raw.getDoc(), raw.getNamespace(), false, fields);
  }

  /** Sends well-formed trades written with an evolved schema, framed with its id. */
  private static List<GenericRecord> sendEvolved(String topic, Schema schema, int schemaId, int count, String marker) {
    List<GenericRecord> sent = new ArrayList<>();
    Instant now = Instant.now();
    boolean binance = schema.getField("quantity") != null;
    try (TradeTopicWriter writer = new TradeTopicWriter(BOOTSTRAP)) {
      for (int i = 0; i < count; i++) {
        GenericRecord r = new GenericData.Record(schema);
        Instant tradeTime = now.plusMillis(i);
        long micros = tradeTime.getEpochSecond() * 1_000_000 + tradeTime.getNano() / 1000;
        r.put("symbol", binance ? "BTCUSDT" : "BTC/USD");
        r.put("trade_id", 9_000_000L + i);
        r.put("price", "67000." + i);
        r.put("ingestion_timestamp", micros);
        if (binance) {
          r.put("event_type", "trade");
          r.put("event_time_ms", tradeTime.toEpochMilli());
          r.put("quantity", "0.5");
          r.put("trade_time_ms", tradeTime.toEpochMilli());
          r.put("is_buyer_maker", i % 2 == 0);
          r.put("is_best_match", true);
        } else {
          r.put("side", "buy");
          r.put("qty", "0.5");
          r.put("ord_type", "limit");
          r.put("timestamp", tradeTime.toString());
        }
        r.put(schema.getFields().get(schema.getFields().size() - 1).name(), marker);
        byte[] key = r.get("symbol").toString().getBytes(StandardCharsets.UTF_8);
        writer.send(new ProducerRecord<>(topic, null, tradeTime.toEpochMilli(), key,
            WireFormat.frame(schemaId, AvroBinary.encode(r))), null);
        sent.add(r);
      }
      writer.flush();
    }
    return sent;
  }
}
