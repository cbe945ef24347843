package io.cryptolake.bronze;

import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSql;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Records Kafka offsets bronze skipped in {@code control_offset_gaps}, once per gap however often it is met. */
final class OffsetGaps {
  /** Offsets first..last of a partition, deleted from Kafka before bronze read them. */
  record Gap(int partition, long first, long last) {
    long missing() {
      return last - first + 1;
    }
  }

  private OffsetGaps() {}

  /**
   * Keyed on (topic, partition, first offset): a batch written again after a crash finds the same gap, or a
   * longer one if Kafka deleted more meanwhile, which replaces it.
   */
  static void record(SparkSession spark, LakeConfig lake, Exchange exchange, String topic, List<Gap> gaps,
      String detectedBy) {
    Timestamp now = Timestamp.from(Instant.now());
    List<Row> rows = gaps.stream().map(g -> (Row) RowFactory.create(exchange.id(), topic, g.partition(), g.first(),
        g.last(), g.missing(), now, detectedBy)).toList();
    var frame = spark.createDataFrame(rows, SparkSchemaUtil.convert(Tables.offsetGaps().schema()));
    LakeSql.withView(frame, "offset_gaps", view -> "MERGE INTO " + lake.qualified(Tables.OFFSET_GAPS) + " t USING "
        + view + " s ON t.kafka_topic = s.kafka_topic AND t.kafka_partition = s.kafka_partition "
        + "AND t.first_offset = s.first_offset WHEN MATCHED THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
  }
}
