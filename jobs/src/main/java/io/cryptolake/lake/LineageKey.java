package io.cryptolake.lake;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A record's identity back to Kafka, (kafka_topic, kafka_partition, kafka_offset): the key that ties a bronze
 * row to its silver or DLQ row, in reconcile and in the DLQ replay.
 */
public final class LineageKey {
  public static final List<String> COLUMNS = List.of("kafka_topic", "kafka_partition", "kafka_offset");

  private LineageKey() {}

  /** The key's columns, to select, group or order by. */
  public static Column[] columns() {
    return COLUMNS.stream().map(functions::col).toArray(Column[]::new);
  }

  /** The key's column names as Spark's join takes them. */
  public static Seq<String> joinOn() {
    return CollectionConverters.asScala(COLUMNS).toList();
  }
}
