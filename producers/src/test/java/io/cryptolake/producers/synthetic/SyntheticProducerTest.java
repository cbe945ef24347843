package io.cryptolake.producers.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.localstack.LocalServers;
import io.cryptolake.localstack.SharedLocalServers;
import io.cryptolake.localstack.TopicReader;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import io.cryptolake.schemas.WireFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticProducerTest {
  @TempDir Path dir;

  @Test
  void manifestMatchesWhatAPlainConsumerReadsBack() {
    LocalServers servers = SharedLocalServers.get();
    Map<Exchange, String> topics = Map.of(Exchange.BINANCE, "manifest-test.binance", Exchange.KRAKEN,
        "manifest-test.kraken");
    SyntheticConfig config = SyntheticConfig.defaults(servers.config().kafkaBootstrap(), servers.config().registryUrl())
        .withTopics(topics).withCount(3_000).withFaults(SyntheticConfig.spreadFaults(0.3)).withSeed(7)
        .withManifest(dir.resolve("manifest.json"));

    Manifest sent = new SyntheticProducer(config).run();
    Manifest written = Manifest.read(dir.resolve("manifest.json"));
    assertEquals(sent.exchanges(), written.exchanges(), "the file says what the run returned");

    for (Exchange exchange : Exchange.values()) {
      Manifest.ExchangeCounts counts = written.exchanges().get(exchange.id());
      assertEquals(3_000, counts.sent());
      ReadBack read = readBack(servers.config().kafkaBootstrap(), topics.get(exchange));
      assertEquals(counts.sent(), read.total, exchange + " total");
      assertEquals(counts.perPartition(), read.perPartition, exchange + " per partition");
      assertEquals(counts.valid() - counts.duplicates() - counts.outOfOrder(), read.perKind.getOrDefault("VALID", 0L));
      assertEquals(counts.duplicates(), read.perKind.getOrDefault("DUPLICATE", 0L));
      assertEquals(counts.outOfOrder(), read.perKind.getOrDefault("OUT_OF_ORDER", 0L));
      counts.faults().forEach((kind, n) -> assertEquals(n, read.perKind.get(kind), exchange + " " + kind));
      // Every fault kind that can occur on the exchange did occur at 30% faults over 3,000 records.
      assertEquals(FaultKind.applicableTo(SyntheticExchange.of(exchange)).size(), counts.faults().size());
      assertEquals(counts.sent(), counts.valid() + counts.expectedDlqTotal());
      assertTrue(counts.duplicates() > 0 && counts.outOfOrder() > 0);
      assertEquals(counts.schemaId(), read.framedWithRegisteredId, "valid records carry the registered id");
    }
    assertEquals(0, written.exchanges().get("binance").faults().getOrDefault("UNKNOWN_SIDE", 0L),
        "Binance has no side text to corrupt");
  }

  private record ReadBack(long total, Map<Integer, Long> perPartition, Map<String, Long> perKind,
      int framedWithRegisteredId) {}

  private static ReadBack readBack(String bootstrap, String topic) {
    Map<Integer, Long> perPartition = new TreeMap<>();
    Map<String, Long> perKind = new TreeMap<>();
    int schemaId = -1;
    List<ConsumerRecord<byte[], byte[]>> records = TopicReader.readAll(bootstrap, topic);
    for (ConsumerRecord<byte[], byte[]> r : records) {
      perPartition.merge(r.partition(), 1L, Long::sum);
      String kind = new String(r.headers().lastHeader(Manifest.KIND_HEADER).value(), StandardCharsets.UTF_8);
      perKind.merge(kind, 1L, Long::sum);
      if (kind.equals(Manifest.VALID)) {
        schemaId = WireFormat.schemaId(r.value());
      }
    }
    return new ReadBack(records.size(), perPartition, perKind, schemaId);
  }
}
