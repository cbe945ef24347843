package io.cryptolake.jobs;

import io.cryptolake.bronze.BronzeConfig;
import io.cryptolake.bronze.BronzeStream;
import io.cryptolake.cli.Check;
import io.cryptolake.cli.ConfigError;
import io.cryptolake.cli.KafkaServers;
import io.cryptolake.cli.Server;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.jobs.options.StreamOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.CheckpointLease;
import io.cryptolake.streaming.EmptyCheckpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bronze-<exchange>}: Kafka topic to bronze table, exactly once. */
@Command(name = "bronze", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Streams one exchange's Kafka topic into its bronze Iceberg table, raw bytes and Kafka metadata.")
public final class BronzeJob implements Callable<Integer> {
  @Option(names = "--exchange", required = true, description = "${COMPLETION-CANDIDATES} (any case).")
  Exchange exchange;

  @Mixin KafkaServers kafka;

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
    Check.positive("--max-offsets-per-trigger", maxOffsetsPerTrigger);
    String offsets = startingOffsets.trim();
    if (!offsets.equals("earliest") && !offsets.equals("latest") && !offsets.startsWith("{")) {
      throw new ConfigError("--starting-offsets: '" + startingOffsets + "' is not allowed; expected earliest, latest "
          + "or Spark's JSON of offsets per partition");
    }
    List<Server> servers = new ArrayList<>(List.of(kafka.server()));
    servers.addAll(lake.servers());
    BronzeConfig config = new BronzeConfig(exchange, kafka.bootstrapServers(), topic == null ? exchange.defaultTopic() : topic,
        startingOffsets, maxOffsetsPerTrigger, failOnDataLoss, stream.toConfig());
    LakeConfig lakeConfig = lake.toConfig();
    try (CheckpointLease lease = JobRunner.lease(config.jobName(), config.stream(), lakeConfig)) {
      SparkSession spark = LakeSession.forJob(config.jobName(), lakeConfig);
      JobRunner.beforeQueries(config.jobName(), servers,
          () -> EmptyCheckpoint.clearIfFromScratch(spark, config.jobName(), config.stream()));
      return JobRunner.superviseStreaming(config.jobName(), config.stream(), spark, servers,
          List.of(() -> BronzeStream.start(spark, lakeConfig, config)));
    }
  }

  public static void main(String[] args) {
    JobRunner.main(new BronzeJob(), args);
  }
}
