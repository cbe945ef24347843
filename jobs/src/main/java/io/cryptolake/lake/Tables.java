package io.cryptolake.lake;

import static org.apache.iceberg.types.Types.NestedField.optional;

import io.cryptolake.schemas.Exchange;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

/** Every table of the lake (spec section 5): the one place their names, columns and properties are defined. */
public final class Tables {
  /** Days a row is kept; the maintenance job deletes older rows. Absent means kept forever. */
  public static final String RETENTION_DAYS = "cryptolake.retention-days";
  public static final String LAYER = "cryptolake.layer";

  private Tables() {}

  public static String bronzeName(Exchange exchange) {
    return "bronze_" + exchange.id() + "_trades";
  }

  /** Raw Kafka records of one exchange, value bytes untouched. */
  public static TableDef bronze(Exchange exchange) {
    Schema schema = new Schema(
        optional(1, "raw_bytes", Types.BinaryType.get(), "the Kafka value, byte for byte"),
        optional(2, "kafka_key", Types.StringType.get(), "the Kafka key as UTF-8: the exchange symbol"),
        optional(3, "kafka_topic", Types.StringType.get()),
        optional(4, "kafka_partition", Types.IntegerType.get()),
        optional(5, "kafka_offset", Types.LongType.get()),
        optional(6, "kafka_timestamp", Types.TimestampType.withZone()),
        optional(7, "ingestion_timestamp", Types.TimestampType.withZone(), "when bronze wrote the row"),
        optional(8, "ingestion_date", Types.DateType.get(), "UTC date of ingestion_timestamp"));
    return new TableDef(bronzeName(exchange), schema,
        s -> PartitionSpec.builderFor(s).identity("ingestion_date").build(),
        properties("bronze", 7));
  }

  /** Properties every table shares, plus its layer and retention. */
  static Map<String, String> properties(String layer, Integer retentionDays) {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("format-version", "2");
    props.put(LAYER, layer);
    if (retentionDays != null) {
      props.put(RETENTION_DAYS, String.valueOf(retentionDays));
    }
    // Streaming appends are already grouped by partition; a shuffle per micro-batch would only cost time.
    props.put("write.distribution-mode", "none");
    props.put("write.spark.fanout.enabled", "true");
    props.put("write.parquet.compression-codec", "zstd");
    // Frequent triggers make many metadata files: keep the last 100, delete older ones at commit.
    props.put("write.metadata.delete-after-commit.enabled", "true");
    props.put("write.metadata.previous-versions-max", "100");
    // Several writers append to the same table (both silver jobs to the DLQ, replay to silver).
    props.put("commit.retry.num-retries", "20");
    props.put("commit.retry.min-wait-ms", "50");
    return props;
  }
}
