package io.cryptolake.jobs;

import io.cryptolake.bronze.BronzeConfig;
import io.cryptolake.bronze.BronzeStream;
import io.cryptolake.cli.KafkaServers;
import io.cryptolake.cli.Server;
import io.cryptolake.jobs.options.BronzeOptions;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.jobs.options.StreamOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.EmptyCheckpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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

  @Mixin BronzeOptions bronze;
  @Mixin LakeOptions lake;
  @Mixin StreamOptions stream;

  @Override
  public Integer call() {
    BronzeConfig config = bronze.toConfig(exchange, kafka.bootstrapServers(), topic, stream.toConfig());
    LakeConfig lakeConfig = lake.toConfig();
    return JobRunner.runStreaming(config.jobName(), config.stream(), lakeConfig,
        List.of(queries(config, lakeConfig, kafka.server(), lake.servers())));
  }

  /** Bronze of one exchange: a from-scratch start empties its checkpoint and its topic's rows first. */
  static JobQueries queries(BronzeConfig config, LakeConfig lake, Server kafka, List<Server> lakeServers) {
    List<Server> servers = new ArrayList<>(List.of(kafka));
    servers.addAll(lakeServers);
    return new JobQueries(config.jobName(), List.of(Tables.bronzeName(config.exchange()), Tables.OFFSET_GAPS), servers,
        spark -> EmptyCheckpoint.clearIfFromScratch(spark, config.jobName(), config.stream()),
        spark -> List.of(() -> BronzeStream.start(spark, lake, config)));
  }

  public static void main(String[] args) {
    JobRunner.main(new BronzeJob(), args);
  }
}
