package io.cryptolake.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.streaming.EmptyCheckpoint;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where bronze starts when its checkpoint holds no batch (lost, deleted, a new checkpoint root). The Kafka
 * source would start at --starting-offsets and append again every record the table already has; instead it
 * starts after the highest offset per partition that the table holds for the topic (Kafka's earliest for a
 * partition it holds none of). With --from-scratch the topic's rows are deleted and --starting-offsets holds.
 */
final class BronzeResume {
  private static final Logger LOG = LoggerFactory.getLogger(BronzeResume.class);
  /** Spark's Kafka source: -2 in a per-partition JSON means the earliest offset. */
  private static final long EARLIEST = -2;

  private BronzeResume() {}

  static String startingOffsets(SparkSession spark, LakeConfig lake, BronzeConfig config) {
    EmptyCheckpoint.Output topicRows = new EmptyCheckpoint.Output(lake.qualified(Tables.bronzeName(config.exchange())),
        "kafka_topic = '" + config.topic().replace("'", "''") + "'");
    if (config.stream().fromScratch()) {
      LOG.warn("{}: --from-scratch over an empty checkpoint: deleting the rows of {} in {}, then starting at {}",
          config.jobName(), config.topic(), topicRows.qualifiedTable(), config.startingOffsets());
      topicRows.empty(spark);
      return config.startingOffsets();
    }
    if (topicRows.knownEmpty(spark)) {
      return config.startingOffsets();
    }
    Map<Integer, Long> held = new TreeMap<>();
    for (Row r : spark.table(topicRows.qualifiedTable()).where(topicRows.where())
        .groupBy("kafka_partition").agg(max(col("kafka_offset"))).collectAsList()) {
      held.put(r.getInt(0), r.getLong(1));
    }
    if (held.isEmpty()) {
      return config.startingOffsets();
    }
    Map<String, Long> next = new TreeMap<>();
    KafkaOffsets.of(config.bootstrapServers(), config.topic()).latest().keySet()
        .forEach(p -> next.put(String.valueOf(p), held.containsKey(p) ? held.get(p) + 1 : EARLIEST));
    try {
      String json = new ObjectMapper().writeValueAsString(Map.of(config.topic(), next));
      LOG.warn("{}: the checkpoint holds no batch, but {} already holds offsets up to {} of {}: starting at {}, "
          + "not at {}", config.jobName(), topicRows.qualifiedTable(), held, config.topic(), json, config.startingOffsets());
      return json;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
