package io.cryptolake.reconcile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.cryptolake.bronze.KafkaOffsets;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Bronze against Kafka itself, per partition of the exchange's topic. Kafka's offsets are read before bronze
 * (what the topic held when the check started) and again after (bronze cannot have an offset beyond that):
 * <ul>
 *   <li>missing: offsets from Kafka's earliest (or bronze's oldest row, whichever is later) up to the last one
 *   bronze committed that bronze does not have;</li>
 *   <li>not in Kafka: bronze offsets Kafka never had (beyond its latest, or a partition it does not have);</li>
 *   <li>lost to retention: offsets below Kafka's earliest that bronze skipped, i.e. Kafka deleted them before
 *   bronze read them (possible only with {@code --fail-on-data-loss false}), and that bronze did not record in
 *   {@code control_offset_gaps};</li>
 *   <li>recorded: offsets bronze recorded there as skipped, whenever it met them: a loss on record, reported
 *   and not a violation (the operator chose to skip it), also once bronze's retention removed the rows around
 *   it;</li>
 *   <li>behind: offsets Kafka had at the start that bronze has not read yet: a lag, not a violation.</li>
 * </ul>
 * Assumption: the topics are neither compacted nor written in transactions, so every offset is a record.
 */
public record KafkaCheck(Exchange exchange, String topic, boolean topicExists, List<Partition> partitions) {

  /** One partition: Kafka's range at the start, what bronze holds of it, and the findings. */
  public record Partition(int partition, long earliest, long latest, long bronzeRows, long readUpTo, long missing,
      long notInKafka, long lostToRetention, long recorded, long behind) {}

  /** A gap bronze recorded in {@code control_offset_gaps}. */
  public record RecordedGap(int partition, long firstOffset, long missing) {}

  public long missing() {
    return partitions.stream().mapToLong(Partition::missing).sum();
  }

  public long notInKafka() {
    return partitions.stream().mapToLong(Partition::notInKafka).sum();
  }

  public long lostToRetention() {
    return partitions.stream().mapToLong(Partition::lostToRetention).sum();
  }

  public long recorded() {
    return partitions.stream().mapToLong(Partition::recorded).sum();
  }

  public long behind() {
    return partitions.stream().mapToLong(Partition::behind).sum();
  }

  public long kafkaRecords() {
    return partitions.stream().mapToLong(p -> Math.max(0, p.latest() - p.earliest())).sum();
  }

  public boolean ok() {
    return missing() == 0 && notInKafka() == 0 && lostToRetention() == 0;
  }

  /**
   * Checks the exchange's bronze table against {@code topic}. Bronze is read at the snapshot that was current
   * between the two reads of Kafka's offsets, so every offset it has was in Kafka when the second read was made.
   */
  public static KafkaCheck run(SparkSession spark, LakeConfig lake, Exchange exchange, String bootstrapServers,
      String topic) {
    KafkaOffsets before = KafkaOffsets.of(bootstrapServers, topic);
    Table table = new LakeCatalog(spark, lake).require(Tables.bronzeName(exchange));
    Snapshot snapshot = table.currentSnapshot();
    KafkaOffsets after = KafkaOffsets.of(bootstrapServers, topic);
    List<RecordedGap> recorded = new ArrayList<>();
    if (new LakeCatalog(spark, lake).exists(Tables.OFFSET_GAPS)) {
      spark.table(lake.qualified(Tables.OFFSET_GAPS)).where(col("kafka_topic").equalTo(topic))
          .select("kafka_partition", "first_offset", "missing").collectAsList()
          .forEach(r -> recorded.add(new RecordedGap(r.getInt(0), r.getLong(1), r.getLong(2))));
    }
    Dataset<Row> bronze = spark.table(lake.qualified(Tables.bronzeName(exchange)));
    if (snapshot != null) {
      bronze = spark.read().option("versionAsOf", snapshot.snapshotId())
          .table(lake.qualified(Tables.bronzeName(exchange)));
    } else {
      bronze = bronze.limit(0);
    }
    return of(spark, exchange, bronze, before, after, recorded);
  }

  /**
   * {@code before} and {@code after}: the topic's offsets read just before and just after {@code bronze} (the
   * exchange's bronze table) is read; {@code recorded}: the gaps bronze recorded for the topic.
   */
  public static KafkaCheck of(SparkSession spark, Exchange exchange, Dataset<Row> bronze, KafkaOffsets before,
      KafkaOffsets after, List<RecordedGap> recorded) {
    List<Row> bounds = new ArrayList<>();
    after.latest().forEach((p, end) -> bounds.add(RowFactory.create(p, before.earliest().getOrDefault(p, 0L), end)));
    StructType schema = new StructType().add("bound_partition", DataTypes.IntegerType)
        .add("earliest", DataTypes.LongType).add("latest_after", DataTypes.LongType);
    Dataset<Row> boundsOf = spark.createDataFrame(bounds, schema);
    Dataset<Row> perPartition = bronze.where(col("kafka_topic").equalTo(before.topic()))
        .join(boundsOf, col("kafka_partition").equalTo(col("bound_partition")), "left")
        .withColumn("known", col("latest_after").isNotNull().and(col("kafka_offset").lt(col("latest_after"))))
        .groupBy("kafka_partition")
        .agg(count("*").as("rows"), min("kafka_offset").as("first"),
            max(when(col("known"), col("kafka_offset"))).as("last_known"),
            sum(when(col("kafka_offset").geq(col("earliest")).and(col("known")), 1).otherwise(0)).as("known_from_earliest"),
            sum(when(col("known"), 0).otherwise(1)).as("beyond"));
    Map<Integer, Row> bronzeByPartition = new HashMap<>();
    perPartition.collectAsList().forEach(r -> bronzeByPartition.put(r.getInt(0), r));
    TreeSet<Integer> all = new TreeSet<>(before.latest().keySet());
    all.addAll(bronzeByPartition.keySet());
    List<Partition> partitions = new ArrayList<>();
    for (int p : all) {
      long earliest = before.earliest().getOrDefault(p, 0L);
      long latest = before.latest().getOrDefault(p, 0L);
      Row b = bronzeByPartition.get(p);
      List<RecordedGap> gaps = recorded.stream().filter(g -> g.partition() == p).toList();
      long recordedHere = gaps.stream().mapToLong(RecordedGap::missing).sum();
      if (b == null) {
        partitions.add(new Partition(p, earliest, latest, 0, earliest, 0, 0, 0, recordedHere,
            Math.max(0, latest - earliest)));
        continue;
      }
      long rows = b.getLong(1);
      long first = b.getLong(2);
      long readUpTo = b.isNullAt(3) ? earliest : b.getLong(3) + 1;
      long knownFromEarliest = b.getLong(4);
      long beyond = b.getLong(5);
      long rowsBelowEarliest = rows - beyond - knownFromEarliest;
      long lost = first < earliest ? Math.max(0, Math.min(earliest, readUpTo) - first - rowsBelowEarliest)
          + Math.max(0, earliest - Math.max(readUpTo, first)) : 0;
      // Recorded gaps inside the range bronze still holds are the lost offsets counted above, on record.
      long recordedInRange = gaps.stream().filter(g -> g.firstOffset() > first).mapToLong(RecordedGap::missing).sum();
      long checkedFrom = Math.max(earliest, first);
      long missing = Math.max(0, readUpTo - checkedFrom - knownFromEarliest);
      partitions.add(new Partition(p, earliest, latest, rows, readUpTo, missing, beyond,
          Math.max(0, lost - recordedInRange), recordedHere, Math.max(0, latest - Math.max(readUpTo, earliest))));
    }
    return new KafkaCheck(exchange, before.topic(), before.exists(), List.copyOf(partitions));
  }

  public void print(PrintStream out) {
    out.printf("  kafka %-8s %s: %,d records held, bronze %s; missing %,d, not in Kafka %,d, lost to retention %,d"
        + "%s%s%n",
        exchange.id(), topic, kafkaRecords(), behind() == 0 ? "has read them all" : String.format("%,d behind", behind()),
        missing(), notInKafka(), lostToRetention(), recorded() == 0 ? ""
            : String.format(" (and %,d Kafka deleted before bronze read them, on record in %s)", recorded(),
                Tables.OFFSET_GAPS),
        topicExists ? "" : " (Kafka has no such topic)");
    for (Partition p : partitions) {
      if (p.missing() + p.notInKafka() + p.lostToRetention() > 0) {
        out.printf("    offending: partition %d: Kafka %,d..%,d, bronze read up to %,d: missing %,d, not in Kafka %,d, "
            + "lost to retention %,d%n", p.partition(), p.earliest(), p.latest(), p.readUpTo(), p.missing(),
            p.notInKafka(), p.lostToRetention());
      }
    }
  }
}
