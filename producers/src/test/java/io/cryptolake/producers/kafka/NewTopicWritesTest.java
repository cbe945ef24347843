package io.cryptolake.producers.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.localstack.SharedLocalServers;
import io.cryptolake.localstack.TopicReader;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Records sent the moment a topic is created all land (KAFKA-15591): many topics, each written at once after
 * {@link TradeTopicWriter#ensureTopic} with several requests in flight per partition. Without the wait for the
 * partitions' leaders, about one new topic in fifty lost its first request on this machine's broker (4 of 200),
 * retried until the delivery timeout.
 */
class NewTopicWritesTest {
  private static final int TOPICS = 120;

  @Test
  void everyRecordSentRightAfterATopicIsCreatedLands() {
    String bootstrap = SharedLocalServers.get().config().kafkaBootstrap();
    Map<String, Long> sent = new ConcurrentHashMap<>();
    try (TradeTopicWriter writer = new TradeTopicWriter(bootstrap, Duration.ofSeconds(10))) {
      // Several creators at once (the common pool): a topic's creation is mostly waiting on the broker.
      IntStream.range(0, TOPICS).parallel().forEach(t -> {
        Random random = new Random(15591L * t);
        String topic = "new-topic-writes." + t;
        int partitions = 1 + random.nextInt(4);
        TradeTopicWriter.ensureTopic(bootstrap, topic, partitions);
        // More than one batch (128 KiB) per partition, so requests are in flight together as the topic opens.
        int records = partitions * (150 + random.nextInt(150));
        for (int r = 0; r < records; r++) {
          writer.send(new ProducerRecord<>(topic, r % partitions, null, new byte[2_000]), null);
        }
        sent.put(topic, (long) records);
      });
      writer.flush();
      assertEquals(0, writer.failures());
    }
    sent.forEach((topic, records) -> assertEquals(records, TopicReader.recordCount(bootstrap, topic), topic));
  }
}
