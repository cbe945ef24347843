package io.cryptolake.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.to_date;

import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.EmptyCheckpoint;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * Kafka to the exchange's bronze table, value bytes untouched, with the Kafka metadata. Exactly once: the
 * checkpoint holds the offsets of each micro-batch and each commit records the batch id
 * ({@link BronzeBatchWriter}), so a batch replayed after a crash is not appended twice. With an empty
 * checkpoint it starts after the offsets its table already holds ({@link BronzeResume}).
 */
public final class BronzeStream {
  private BronzeStream() {}

  public static StreamingQuery start(SparkSession spark, LakeConfig lake, BronzeConfig config) {
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    catalog.ensure(Tables.bronze(config.exchange()));
    catalog.ensure(Tables.offsetGaps());
    BronzeBatchLog.install(spark, config.jobName());
    String checkpoint = config.stream().checkpointFor(config.jobName());
    Dataset<Row> kafka = spark.readStream()
        .format("kafka")
        .option("kafka.bootstrap.servers", config.bootstrapServers())
        .option("subscribe", config.topic())
        .option("startingOffsets", EmptyCheckpoint.isEmpty(spark, checkpoint)
            ? BronzeResume.startingOffsets(spark, lake, config) : config.startingOffsets())
        .option("maxOffsetsPerTrigger", config.maxOffsetsPerTrigger())
        // A gap of deleted offsets (retention ran ahead of us) stops the query with the offsets named.
        .option("failOnDataLoss", config.failOnDataLoss())
        .load();
    try {
      return kafka.writeStream()
          .queryName(config.jobName())
          .trigger(config.stream().trigger())
          .option("checkpointLocation", checkpoint)
          .foreachBatch(new BronzeBatchWriter(config, lake, catalog))
          .start();
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not start " + config.jobName(), e);
    }
  }

  /**
   * The Kafka source's columns in the bronze table's shape, ingested at {@code ingestedAt} (one batch's time,
   * {@link io.cryptolake.streaming.BatchClock}: the rows of a batch share it).
   */
  static Dataset<Row> toBronzeRows(Dataset<Row> kafka, Exchange exchange, Column ingestedAt) {
    return kafka.select(Tables.bronze(exchange).projection(Map.of(
        "raw_bytes", col("value"),
        "kafka_key", col("key").cast("string"),
        "kafka_topic", col("topic"),
        "kafka_partition", col("partition"),
        "kafka_offset", col("offset"),
        "kafka_timestamp", col("timestamp"),
        "ingestion_timestamp", ingestedAt,
        "ingestion_date", to_date(ingestedAt))));
  }
}
