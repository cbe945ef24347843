package io.cryptolake.producers.exchange;

import io.cryptolake.localstack.LocalServers;
import io.cryptolake.localstack.SharedLocalServers;
import io.cryptolake.localstack.TopicReader;
import io.cryptolake.producers.kafka.TradeTopicWriter;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.SchemaRegistryClient;
import io.cryptolake.schemas.WireFormat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A feed client running in the background against a local exchange server, producing to a topic of its own. */
public final class FeedHarness implements AutoCloseable {
  public final Exchange exchange;
  public final String topic;
  public final FeedClient client;
  private final TradeTopicWriter writer;
  private final CompletableFuture<Void> running;

  public FeedHarness(Exchange exchange, String topic, URI endpoint, List<String> symbols, Duration silenceTimeout) {
    LocalServers servers = SharedLocalServers.get();
    this.exchange = exchange;
    this.topic = topic;
    ExchangeFeed feed = ExchangeFeeds.of(exchange, false);
    TradeTopicWriter.ensureTopic(servers.config().kafkaBootstrap(), topic, 2);
    int schemaId = new SchemaRegistryClient(servers.config().registryUrl()).register(topic + "-value",
        exchange.rawSchema());
    this.writer = new TradeTopicWriter(servers.config().kafkaBootstrap());
    this.client = new FeedClient(feed, FeedConfig.defaults(feed, topic).withEndpoint(endpoint).withSymbols(symbols)
        .withTimeouts(silenceTimeout, Duration.ofMillis(100), Duration.ofMillis(500)), writer, schemaId);
    this.running = CompletableFuture.runAsync(client::run);
  }

  /** Every record in the topic, decoded with the exchange's schema, in offset order per partition. */
  public List<GenericRecord> records() {
    return rawRecords().stream().map(r -> decode(r.value())).toList();
  }

  public List<ConsumerRecord<byte[], byte[]>> rawRecords() {
    return TopicReader.readAll(SharedLocalServers.get().config().kafkaBootstrap(), topic);
  }

  private GenericRecord decode(byte[] value) {
    try {
      return new GenericDatumReader<GenericRecord>(exchange.rawSchema())
          .read(null, DecoderFactory.get().binaryDecoder(WireFormat.body(value), null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    client.close();
    running.join();
    writer.flush();
    writer.close();
  }
}
