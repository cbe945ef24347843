package io.cryptolake.proof.bench;

import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.localstack.LocalServersConfig;
import io.cryptolake.producers.kafka.TradeTopicWriter;
import io.cryptolake.proof.LocalCluster;
import io.cryptolake.proof.Project;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The peer: Kafka Connect standalone with the Apache Iceberg sink, as its own JVM (the classpath the bench
 * profile assembles), writing the same topic to an Iceberg table with bronze's columns: a byte-array converter,
 * HoistField puts the value in raw_bytes, InsertField adds the Kafka topic, partition, offset and timestamp.
 * It commits every 2 s, bronze's trigger. Rows/s from its first records to its last commit (read through
 * Spark). Its catalog is Iceberg's Hadoop catalog on the same S3 warehouse: the connector's plain JdbcCatalog fails its
 * commits on SQLite (SQLITE_BUSY, the issue the jobs' SqliteJdbcCatalog works around), and only its
 * coordinator commits, which is what the Hadoop catalog needs. While it runs, a trickle of one record per
 * partition every 200 ms keeps every task receiving: a task that receives nothing never answers the
 * coordinator's commit requests (apache/iceberg#17811), so the tail of a finished load is never committed.
 */
final class ConnectBench {
  private static final String TABLE = "connect_bronze_binance";

  private ConnectBench() {}

  static IngestBench.Rate run(Path dir, LocalServersConfig servers, String topic, long expected, String warehouse,
      SparkSession spark) throws Exception {
    Path classpath = Project.file("proof/kafka-connect/target/classpath.txt");
    if (!Files.exists(classpath)) {
      throw new IllegalStateException("no " + classpath + ": build it with mvn -Pbench -pl proof/kafka-connect package "
          + "(make bench does)");
    }
    Files.createDirectories(dir);
    TradeTopicWriter.ensureTopic(servers.kafkaBootstrap(), "control-iceberg", 1);
    Path worker = write(dir.resolve("worker.properties"),
        "bootstrap.servers=" + servers.kafkaBootstrap(),
        "key.converter=org.apache.kafka.connect.converters.ByteArrayConverter",
        "value.converter=org.apache.kafka.connect.converters.ByteArrayConverter",
        "offset.storage.file.filename=" + dir.resolve("connect.offsets"),
        "listeners=http://127.0.0.1:0",
        "plugin.path=");
    Path sink = write(dir.resolve("iceberg-sink.properties"),
        "name=iceberg-sink",
        "connector.class=org.apache.iceberg.connect.IcebergSinkConnector",
        "tasks.max=2",
        "topics=" + topic,
        "iceberg.tables=market_data." + TABLE,
        "iceberg.tables.auto-create-enabled=true",
        "iceberg.control.commit.interval-ms=2000",
        "iceberg.catalog.catalog-impl=org.apache.iceberg.hadoop.HadoopCatalog",
        "iceberg.catalog.warehouse=" + warehouse,
        "iceberg.catalog.io-impl=org.apache.iceberg.hadoop.HadoopFileIO",
        "iceberg.hadoop.fs.s3a.endpoint=" + servers.s3Endpoint(),
        "iceberg.hadoop.fs.s3a.path.style.access=true",
        "iceberg.hadoop.fs.s3a.connection.ssl.enabled=false",
        "iceberg.hadoop.fs.s3a.access.key=" + servers.s3AccessKey(),
        "iceberg.hadoop.fs.s3a.secret.key=" + servers.s3SecretKey(),
        "iceberg.hadoop.fs.s3a.aws.credentials.provider=org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider",
        "iceberg.hadoop.fs.s3a.endpoint.region=us-east-1",
        "transforms=hoist,kafka",
        "transforms.hoist.type=org.apache.kafka.connect.transforms.HoistField$Value",
        "transforms.hoist.field=raw_bytes",
        "transforms.kafka.type=org.apache.kafka.connect.transforms.InsertField$Value",
        "transforms.kafka.topic.field=kafka_topic",
        "transforms.kafka.partition.field=kafka_partition",
        "transforms.kafka.offset.field=kafka_offset",
        "transforms.kafka.timestamp.field=kafka_timestamp");
    Path log4j = write(dir.resolve("log4j2.properties"),
        "rootLogger.level=INFO", "rootLogger.appenderRef.out.ref=out", "appender.out.type=Console",
        "appender.out.name=out", "appender.out.layout.type=PatternLayout",
        "appender.out.layout.pattern=%d{HH:mm:ss.SSS} %-5p %c{1} - %m%n",
        "logger.kafka.name=org.apache.kafka", "logger.kafka.level=WARN");
    Instant start = Instant.now();
    Process connect = new ProcessBuilder(javaBinary(), "-Xmx1g", "-Dlog4j2.configurationFile=" + log4j,
        "-cp", Files.readString(classpath).trim(),
        "org.apache.kafka.connect.cli.ConnectStandalone", worker.toString(), sink.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("connect.log").toFile()).start();
    // Stopped with this JVM too (Ctrl-C of make bench), not left consuming the topic.
    Thread stopConnect = new Thread(connect::destroy, "stop-kafka-connect");
    AtomicBoolean trickling = new AtomicBoolean(true);
    Runtime.getRuntime().addShutdownHook(stopConnect);
    try {
      startTrickle(servers.kafkaBootstrap(), topic, trickling);
      LakeConfig lake = new LakeConfig("connect", LakeConfig.CatalogType.HADOOP, null, warehouse, "market_data",
          servers.s3Endpoint(), "us-east-1", true);
      LakeSession.attach(spark, lake);
      String snapshots = lake.qualified(TABLE) + ".snapshots";
      long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
      while (committed(spark, lake, snapshots) < expected) {
        if (!connect.isAlive() || System.nanoTime() > deadline) {
          throw new IllegalStateException("Kafka Connect " + (connect.isAlive() ? "did not commit every row in 30 "
              + "minutes" : "exited " + connect.exitValue()) + "; see " + dir.resolve("connect.log"));
        }
        LocalCluster.pause(Duration.ofSeconds(1));
      }
      Duration wall = Duration.between(start, Instant.now());
      Timestamp lastCommit = spark.sql("SELECT max(committed_at) FROM " + snapshots).first().getTimestamp(0);
      // While working: from the sink's first records (its worker starting) to the commit that made the last
      // row readable, as bronze's figure runs from its first batch to its last; the JVM's start-up is not in it.
      Instant working = firstWorkerStart(dir.resolve("connect.log"), start);
      double seconds = (lastCommit.getTime() - working.toEpochMilli()) / 1000.0;
      return new IngestBench.Rate("Kafka Connect + Iceberg sink (JVM start to worker: "
          + Duration.between(start, working).toSeconds() + " s)", expected, expected / seconds, wall);
    } finally {
      trickling.set(false);
      connect.destroy();
      if (!connect.waitFor(30, TimeUnit.SECONDS)) {
        connect.destroyForcibly();
      }
      Runtime.getRuntime().removeShutdownHook(stopConnect);
    }
  }

  /** When the sink's first worker started (it starts on the first records), from Connect's log lines. */
  private static Instant firstWorkerStart(Path log, Instant launched) throws IOException {
    try (var lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("Starting commit worker")).findFirst()
          .map(l -> LocalTime.parse(l.substring(0, 12)).atDate(LocalDate.now()).atZone(ZoneId.systemDefault())
              .toInstant())
          .orElse(launched);
    }
  }

  /** Copies of the topic's first record, one to each partition every 200 ms, until told to stop. */
  private static void startTrickle(String bootstrap, String topic, AtomicBoolean running) {
    byte[] value = firstValue(bootstrap, topic);
    Thread trickle = new Thread(() -> {
      try (TradeTopicWriter writer = new TradeTopicWriter(bootstrap)) {
        int partitions = writer.partitionsFor(topic);
        while (running.get()) {
          for (int p = 0; p < partitions; p++) {
            writer.send(new ProducerRecord<>(topic, p, null, value), null);
          }
          LocalCluster.pause(Duration.ofMillis(200));
        }
      }
    }, "connect-trickle");
    trickle.setDaemon(true);
    trickle.start();
  }

  private static byte[] firstValue(String bootstrap, String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = IngestBench.consumer(bootstrap)) {
      TopicPartition first = new TopicPartition(topic, 0);
      consumer.assign(List.of(first));
      consumer.seekToBeginning(List.of(first));
      for (int i = 0; i < 30; i++) {
        for (var record : consumer.poll(Duration.ofSeconds(1))) {
          return record.value();
        }
      }
    }
    throw new IllegalStateException("no record in " + topic + " partition 0");
  }

  /** Rows the table holds by its newest commit; 0 before the sink has created it. */
  private static long committed(SparkSession spark, LakeConfig lake, String snapshots) {
    if (!spark.catalog().tableExists(lake.qualified(TABLE))) {
      return 0;
    }
    List<Row> newest = spark.sql("SELECT CAST(summary['total-records'] AS BIGINT) FROM " + snapshots
        + " ORDER BY committed_at DESC LIMIT 1").collectAsList();
    return newest.isEmpty() ? 0 : newest.get(0).getLong(0);
  }

  private static Path write(Path file, String... lines) throws IOException {
    return Files.writeString(file, String.join("\n", lines) + "\n");
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
