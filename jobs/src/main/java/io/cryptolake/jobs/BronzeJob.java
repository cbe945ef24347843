package io.cryptolake.jobs;

import io.cryptolake.bronze.BronzeConfig;
import io.cryptolake.bronze.BronzeStream;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.jobs.options.StreamOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.schemas.Exchange;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bronze-<exchange>}: Kafka topic to bronze table, exactly once. */
@Command(name = "bronze", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Streams one exchange's Kafka topic into its bronze Iceberg table, raw bytes and Kafka metadata.")
public final class BronzeJob implements Callable<Integer> {
  @Option(names = "--exchange", required = true, description = "binance or kraken.")
  String exchange;

  @Option(names = "--bootstrap-servers", defaultValue = "${env:CRYPTOLAKE_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (env CRYPTOLAKE_KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}).")
  String bootstrapServers;

  @Option(names = "--topic", description = "Topic to read (default market.crypto.trades.<exchange>).")
  String topic;

  @Option(names = "--starting-offsets", defaultValue = "${env:CRYPTOLAKE_STARTING_OFFSETS:-earliest}",
      description = "Where a new job starts: earliest, latest or Spark's per-partition JSON; ignored once a "
          + "checkpoint exists (env CRYPTOLAKE_STARTING_OFFSETS; default ${DEFAULT-VALUE}).")
  String startingOffsets;

  @Option(names = "--max-offsets-per-trigger", defaultValue = "${env:CRYPTOLAKE_BRONZE_MAX_OFFSETS:-200000}",
      description = "Upper bound of records per micro-batch (env CRYPTOLAKE_BRONZE_MAX_OFFSETS; default ${DEFAULT-VALUE}).")
  long maxOffsetsPerTrigger;

  @Option(names = "--fail-on-data-loss", defaultValue = "${env:CRYPTOLAKE_FAIL_ON_DATA_LOSS:-true}",
      description = "Stop with the lost offsets named when Kafka deleted records not yet read; false logs the "
          + "gap and goes on (env CRYPTOLAKE_FAIL_ON_DATA_LOSS; default ${DEFAULT-VALUE}).")
  boolean failOnDataLoss;

  @Mixin LakeOptions lake;
  @Mixin StreamOptions stream;

  @Override
  public Integer call() throws Exception {
    Exchange ex = Exchange.fromId(exchange);
    BronzeConfig config = new BronzeConfig(ex, bootstrapServers, topic == null ? ex.defaultTopic() : topic,
        startingOffsets, maxOffsetsPerTrigger, failOnDataLoss, stream.toConfig());
    LakeConfig lakeConfig = lake.toConfig();
    SparkSession spark = LakeSession.forJob(config.jobName(), lakeConfig);
    return JobRunner.superviseStreaming(config.jobName(), spark, () -> BronzeStream.start(spark, lakeConfig, config));
  }

  public static void main(String[] args) {
    JobRunner.exit(new BronzeJob(), args);
  }
}
