package io.cryptolake.bronze;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** A topic's offsets per partition as Kafka has them now: the earliest it still holds and the next to come. */
public record KafkaOffsets(String topic, Map<Integer, Long> earliest, Map<Integer, Long> latest) {

  /** A topic Kafka does not have: no partitions. */
  public boolean exists() {
    return !latest.isEmpty();
  }

  public static KafkaOffsets of(String bootstrapServers, String topic) {
    Properties props = new Properties();
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    try (Admin admin = Admin.create(props)) {
      TopicDescription description;
      try {
        description = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic);
      } catch (ExecutionException e) {
        if (e.getCause() instanceof UnknownTopicOrPartitionException) {
          return new KafkaOffsets(topic, Map.of(), Map.of());
        }
        throw e;
      }
      Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      description.partitions().forEach(p -> {
        earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
        latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
      });
      return new KafkaOffsets(topic, byPartition(admin.listOffsets(earliest)), byPartition(admin.listOffsets(latest)));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot read the offsets of " + topic + " from Kafka at " + bootstrapServers
          + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the offsets of " + topic, e);
    }
  }

  private static Map<Integer, Long> byPartition(ListOffsetsResult result)
      throws ExecutionException, InterruptedException, TimeoutException {
    Map<Integer, Long> offsets = new HashMap<>();
    result.all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> offsets.put(tp.partition(), info.offset()));
    return Map.copyOf(offsets);
  }
}
