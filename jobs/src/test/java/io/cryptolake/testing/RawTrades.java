package io.cryptolake.testing;

import io.cryptolake.producers.kafka.TradeTopicWriter;
import io.cryptolake.schemas.AvroBinary;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.SchemaRegistryClient;
import io.cryptolake.schemas.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Hand-made Binance trades and exact re-sends, for tests that need trade times and ids of their choosing. */
public final class RawTrades {
  private RawTrades() {}

  /** Creates the topic (2 partitions) if needed and registers the exchange's raw schema for it: the schema id. */
  public static int topic(String topic, Exchange exchange) {
    var servers = TestLake.servers().config();
    TradeTopicWriter.ensureTopic(servers.kafkaBootstrap(), topic, 2);
    return new SchemaRegistryClient(servers.registryUrl()).register(topic + "-value", exchange.rawSchema());
  }

  /** Well-formed BTCUSDT trades with ids from {@code firstId}, trade time {@code start + i ms}, sent now. */
  public static List<ProducerRecord<byte[], byte[]>> binance(String topic, int schemaId, long firstId, int count,
      Instant start) {
    return binance(topic, schemaId, "BTCUSDT", firstId, count, start);
  }

  /** Well-formed trades of {@code symbol} with ids from {@code firstId}, trade time {@code start + i ms}, sent now. */
  public static List<ProducerRecord<byte[], byte[]>> binance(String topic, int schemaId, String symbol, long firstId,
      int count, Instant start) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (int i = 0; i < count; i++) {
      Instant tradeTime = start.plusMillis(i);
      GenericRecord r = new GenericData.Record(Exchange.BINANCE.rawSchema());
      r.put("event_type", "trade");
      r.put("event_time_ms", tradeTime.toEpochMilli());
      r.put("symbol", symbol);
      r.put("trade_id", firstId + i);
      r.put("price", "67000." + (i % 100));
      r.put("quantity", "0.01");
      r.put("trade_time_ms", tradeTime.toEpochMilli());
      r.put("is_buyer_maker", i % 2 == 0);
      r.put("is_best_match", true);
      r.put("ingestion_timestamp", now * 1000);
      records.add(new ProducerRecord<>(topic, null, now, symbol.getBytes(StandardCharsets.UTF_8),
          WireFormat.frame(schemaId, AvroBinary.encode(r))));
    }
    return records;
  }

  /** Exact copies (key and value) of records already in Kafka. */
  public static List<ProducerRecord<byte[], byte[]>> copies(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> new ProducerRecord<>(r.topic(), null, System.currentTimeMillis(), r.key(),
        r.value())).toList();
  }

  public static void send(List<ProducerRecord<byte[], byte[]>> records) {
    try (TradeTopicWriter writer = new TradeTopicWriter(TestLake.servers().config().kafkaBootstrap())) {
      records.forEach(r -> writer.send(r, null));
      writer.flush();
    }
  }
}
