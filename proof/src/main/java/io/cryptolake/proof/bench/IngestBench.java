package io.cryptolake.proof.bench;

import static org.apache.spark.sql.avro.functions.from_avro;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.cryptolake.bronze.BronzeConfig;
import io.cryptolake.bronze.BronzeStream;
import io.cryptolake.gold.GoldConfig;
import io.cryptolake.gold.GoldStream;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.silver.SilverConfig;
import io.cryptolake.silver.SilverStream;
import io.cryptolake.streaming.StreamConfig;
import io.cryptolake.streaming.StreamingQueries;
import io.cryptolake.validation.ValidationConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

/**
 * The ingest side, on one topic of Binance trades already in Kafka: Kafka's own consumer (the ceiling for
 * bronze), the bronze job's stream, then silver over that bronze table against a naive silver (spark-avro's
 * from_avro with one fixed schema, then a SQL filter), each in this JVM's local Spark session.
 */
final class IngestBench {
  private static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(30);

  /** Rows per second while a stream worked (rows over the time of its non-empty batches), and its wall time. */
  record Rate(String what, long rows, double rowsPerSecond, Duration wall, Phases phases, double taskCpuSeconds) {
    /** Outside Spark (Kafka's consumer, Connect): no task CPU to report. */
    Rate(String what, long rows, double rowsPerSecond, Duration wall) {
      this(what, rows, rowsPerSecond, wall, Phases.NONE, Double.NaN);
    }
  }

  /** Mean milliseconds per non-empty batch of each phase Spark reports ({@code durationMs}), and the batches. */
  record Phases(int batches, Map<String, Long> meanMillis) {
    static final Phases NONE = new Phases(0, Map.of());

    static Phases of(List<StreamingQueryProgress> nonEmpty) {
      Map<String, Long> totals = new TreeMap<>();
      nonEmpty.forEach(p -> p.durationMs().forEach((phase, ms) -> totals.merge(phase, ms, Long::sum)));
      Map<String, Long> means = new TreeMap<>();
      totals.forEach((phase, ms) -> means.put(phase, ms / Math.max(1, nonEmpty.size())));
      return new Phases(nonEmpty.size(), means);
    }
  }

  private IngestBench() {}

  /** A plain byte-array consumer with no group, for reading a topic directly. */
  static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 10_000);
    return new KafkaConsumer<>(props);
  }

  static Rate kafkaConsumer(String bootstrap, String topic, long expected) {
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long start = System.nanoTime();
      long rows = 0;
      long bytes = 0;
      while (rows < expected) {
        for (var record : consumer.poll(Duration.ofSeconds(1))) {
          rows++;
          bytes += record.value() == null ? 0 : record.value().length;
        }
      }
      Duration wall = Duration.ofNanos(System.nanoTime() - start);
      return new Rate("Kafka consumer (" + bytes / rows + " B/record)", rows, rows * 1e9 / wall.toNanos(), wall);
    }
  }

  static Rate bronze(SparkSession spark, LakeConfig lake, String bootstrap, String topic, StreamConfig stream)
      throws Exception {
    return measure("bronze job (BronzeStream)", BronzeStream.start(spark, lake,
        new BronzeConfig(Exchange.BINANCE, bootstrap, topic, "earliest", 200_000, true, stream)));
  }

  static Rate silver(SparkSession spark, LakeConfig lake, String registryUrl, StreamConfig stream) throws Exception {
    return measure("silver job (decode by schema id, normalise, validate, DLQ)", SilverStream.start(spark, lake,
        new SilverConfig(Exchange.BINANCE, registryUrl, Duration.ofSeconds(30), ValidationConfig.defaults(), 500,
            stream)));
  }

  /**
   * Gold over the silver stage's table (Kraken's silver empty): the de-duplication state, the batch kept for its
   * counts and its write, gold's clustered append; the bars query is a query of its own and does not run here.
   */
  static Rate gold(SparkSession spark, LakeConfig lake, StreamConfig stream) throws Exception {
    return measure("gold job (de-duplication state, keep, clustered write)", GoldStream.start(spark, lake,
        new GoldConfig(Duration.ofMinutes(5), 500, stream)));
  }

  /** The original design: from_avro with the one schema it was built with, a SQL filter, no DLQ. */
  static Rate naiveSilver(SparkSession spark, LakeConfig lake, StreamConfig stream) throws Exception {
    String target = lake.qualified("naive_silver_binance");
    spark.sql("CREATE TABLE IF NOT EXISTS " + target + " (symbol string, trade_id bigint, price decimal(38,18), "
        + "quantity decimal(38,18), trade_time_ms bigint) USING iceberg");
    StreamingQuery query = spark.readStream().format("iceberg").load(lake.qualified(Tables.bronzeName(Exchange.BINANCE)))
        .select(from_avro(expr("substring(raw_bytes, 6)"), Exchange.BINANCE.rawSchema().toString()).as("t"))
        .select(col("t.symbol"), col("t.trade_id"), expr("try_cast(t.price as decimal(38,18))").as("price"),
            expr("try_cast(t.quantity as decimal(38,18))").as("quantity"), col("t.trade_time_ms"))
        .where("price > 0 AND quantity > 0 AND trim(symbol) <> ''")
        .writeStream().queryName("naive-silver").format("iceberg")
        .option("checkpointLocation", stream.checkpointFor("naive-silver"))
        .trigger(Trigger.ProcessingTime(stream.triggerInterval().toMillis()))
        .toTable(target);
    return measure("naive silver (from_avro, fixed schema, SQL filter)", query);
  }

  private static Rate measure(String what, StreamingQuery query) throws Exception {
    Instant start = Instant.now();
    double taskCpu;
    try (TaskCpu cpu = new TaskCpu(query.sparkSession().sparkContext())) {
      StreamingQueries.awaitDrained(query, DRAIN_TIMEOUT);
      taskCpu = cpu.seconds();
    }
    Duration wall = Duration.between(start, Instant.now());
    long rows = 0;
    long busyMillis = 0;
    List<StreamingQueryProgress> nonEmpty = new ArrayList<>();
    for (StreamingQueryProgress progress : query.recentProgress()) {
      if (progress.numInputRows() > 0) {
        rows += progress.numInputRows();
        busyMillis += progress.durationMs().get("triggerExecution");
        nonEmpty.add(progress);
      }
    }
    query.stop();
    return new Rate(what, rows, busyMillis == 0 ? 0 : rows * 1000.0 / busyMillis, wall, Phases.of(nonEmpty),
        taskCpu);
  }
}
