package io.cryptolake.localstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A single-node Kafka broker in KRaft mode (broker and controller in one process), from the jars that
 * servers/ copies out of Maven Central. Ready when a record produced to a probe topic is consumed back.
 */
public final class KafkaBroker extends ManagedServer {
  private static final String PROBE_TOPIC = "cryptolake.readiness";

  public KafkaBroker(LocalServersConfig config) {
    super("kafka", config, Duration.ofSeconds(90));
  }

  public String bootstrapServers() {
    return config.kafkaBootstrap();
  }

  @Override
  protected Map<Integer, String> ports() {
    return Map.of(
        config.kafkaPort(), "CRYPTOLAKE_KAFKA_PORT",
        config.kafkaControllerPort(), "CRYPTOLAKE_KAFKA_CONTROLLER_PORT");
  }

  @Override
  protected List<String> prepare() throws IOException {
    Path properties = dataDir().resolve("server.properties");
    Files.writeString(properties, serverProperties(), StandardCharsets.UTF_8);
    Path log4j = dataDir().resolve("log4j2.properties");
    Files.writeString(log4j, String.join("\n",
        "rootLogger.level=INFO",
        "rootLogger.appenderRef.out.ref=out",
        "appender.out.type=Console",
        "appender.out.name=out",
        "appender.out.layout.type=PatternLayout",
        "appender.out.layout.pattern=[%d] %p %m (%c)%n",
        "logger.kafka.name=kafka", "logger.kafka.level=WARN",
        "logger.apache.name=org.apache.kafka", "logger.apache.level=WARN",
        "logger.started.name=kafka.server.KafkaRaftServer", "logger.started.level=INFO", ""));
    if (!Files.exists(dataDir().resolve("logs/meta.properties"))) {
      format(properties, log4j);
    }
    return command(log4j, "kafka.Kafka", properties.toString());
  }

  private void format(Path properties, Path log4j) throws IOException {
    List<String> cmd = command(log4j, "kafka.tools.StorageTool", "format", "-t",
        Uuid.randomUuid().toString(), "-c", properties.toString());
    Process format = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
    try {
      if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
        format.destroyForcibly();
        throw new IOException("formatting the Kafka storage failed; see " + logFile());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while formatting the Kafka storage", e);
    }
  }

  private List<String> command(Path log4j, String mainClass, String... args) {
    List<String> cmd = java("-Xms256m", "-Xmx768m");
    cmd.addAll(List.of("-Dlog4j2.configurationFile=" + log4j, "-cp", dist("kafka/lib").resolve("*").toString(),
        mainClass));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private String serverProperties() {
    int port = config.kafkaPort();
    int controller = config.kafkaControllerPort();
    return String.join("\n",
        "process.roles=broker,controller",
        "node.id=1",
        "controller.quorum.voters=1@127.0.0.1:" + controller,
        "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
        "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
        "controller.listener.names=CONTROLLER",
        "inter.broker.listener.name=PLAINTEXT",
        "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
        "log.dirs=" + dataDir().resolve("logs"),
        "num.partitions=1",
        "auto.create.topics.enable=false",
        "offsets.topic.replication.factor=1",
        "offsets.topic.num.partitions=8",
        "transaction.state.log.replication.factor=1",
        "transaction.state.log.min.isr=1",
        "share.coordinator.state.topic.replication.factor=1",
        "share.coordinator.state.topic.min.isr=1",
        "group.initial.rebalance.delay.ms=0",
        "");
  }

  @Override
  protected void probe() throws Exception {
    String bootstrap = bootstrapServers();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000))) {
      Set<String> topics = admin.listTopics().names().get(5, TimeUnit.SECONDS);
      if (!topics.contains(PROBE_TOPIC)) {
        admin.createTopics(List.of(new NewTopic(PROBE_TOPIC, 1, (short) 1))).all().get(10, TimeUnit.SECONDS);
      }
    }
    String token = UUID.randomUUID().toString();
    RecordMetadata sent;
    Properties producerProps = new Properties();
    producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
    producerProps.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10000);
    producerProps.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new StringSerializer())) {
      sent = producer.send(new ProducerRecord<>(PROBE_TOPIC, token)).get(10, TimeUnit.SECONDS);
    }
    Properties consumerProps = new Properties();
    consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(consumerProps, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition partition = new TopicPartition(PROBE_TOPIC, sent.partition());
      consumer.assign(List.of(partition));
      consumer.seek(partition, sent.offset());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
          if (token.equals(record.value())) {
            return;
          }
        }
      }
    }
    throw new IllegalStateException("the probe record produced to " + PROBE_TOPIC + " was not consumed back");
  }
}
