package io.cryptolake.producers.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes framed trades to Kafka without losing one: idempotent producer, acks=all, retries until the
 * delivery timeout, compression of batches of up to 50 ms. A send that still fails is remembered and rethrown by
 * {@link #flush()}, so a caller never reports success for a record Kafka did not take.
 */
public final class TradeTopicWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TradeTopicWriter.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
  private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();

  public TradeTopicWriter(String bootstrapServers) {
    this(bootstrapServers, Duration.ofMinutes(5));
  }

  /** With a delivery timeout of its own: tests that must see a stuck record fail in seconds, not minutes. */
  TradeTopicWriter(String bootstrapServers, Duration deliveryTimeout) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    // Batches of more than a couple of records: compression and the broker pay per batch, and 50 ms is nothing
    // against triggers of seconds (at 2,000/s, 50 ms instead of Kafka's 5 halved the broker's CPU; docs/benchmarks.md).
    props.put(ProducerConfig.LINGER_MS_CONFIG, 50);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, 128 * 1024);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) deliveryTimeout.toMillis());
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, deliveryTimeout.toMillis() - 50));
    this.producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Creates the topic with the given partitions when it does not exist yet, and returns once every partition's
   * leader serves it, so records sent right after cannot meet a partition its leader has not opened yet.
   */
  public static void ensureTopic(String bootstrapServers, String topic, int partitions) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
        create(admin, topic, partitions);
      }
      int actual = awaitLeadersServing(admin, topic);
      if (actual != partitions) {
        LOG.warn("topic {} exists with {} partitions; keeping them (asked for {})", topic, actual, partitions);
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create topic " + topic + " at " + bootstrapServers, e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + topic + " at " + bootstrapServers, e);
    }
  }

  private static void create(Admin admin, String topic, int partitions)
      throws ExecutionException, InterruptedException, TimeoutException {
    try {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
      LOG.info("created topic {} with {} partitions", topic, partitions);
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  /**
   * Waits until the leader of each of the topic's partitions answers for it, and returns how many there are. A
   * new topic is in the metadata before its leader has opened the partition; an idempotent producer sending at
   * once may then have its first request refused and a later one appended, and retries the first until its
   * delivery timeout (KAFKA-15591, fixed in Kafka 4.5's broker). ListOffsets is answered by the leader only once
   * the partition is open there, and Admin retries it until then.
   */
  private static int awaitLeadersServing(Admin admin, String topic)
      throws ExecutionException, InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      try {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
            .get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
          latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        return partitions;
      } catch (ExecutionException e) {
        // Describe does not retry a topic the answering broker has not learnt of yet; this loop does.
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
  }

  /** Sends asynchronously; {@code onAck} runs once Kafka has the record. */
  public void send(ProducerRecord<byte[], byte[]> record, Callback onAck) {
    throwIfFailed();
    producer.send(record, (metadata, error) -> {
      if (error != null) {
        firstFailure.compareAndSet(null, error);
        failures.incrementAndGet();
        LOG.error("Kafka did not take a record for {}: {}", record.topic(), error.toString());
      } else if (onAck != null) {
        onAck.onCompletion(metadata, null);
      }
    });
  }

  /** How many partitions the topic has. */
  public int partitionsFor(String topic) {
    return producer.partitionsFor(topic).size();
  }

  /** Records Kafka did not take after every retry. */
  public long failures() {
    return failures.get();
  }

  /** Waits until every record sent so far is acknowledged; throws if any was not. */
  public void flush() {
    producer.flush();
    throwIfFailed();
  }

  private void throwIfFailed() {
    Exception failure = firstFailure.get();
    if (failure != null) {
      throw new IllegalStateException("a record could not be written to Kafka", failure);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
