package io.cryptolake.jobs;

import io.cryptolake.cli.Check;
import io.cryptolake.cli.Server;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.jobs.options.StreamOptions;
import io.cryptolake.jobs.options.ValidationOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.silver.SilverConfig;
import io.cryptolake.silver.SilverStream;
import io.cryptolake.streaming.CheckpointLease;
import io.cryptolake.streaming.EmptyCheckpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code silver-<exchange>}: bronze to silver and the DLQ: decode, normalise, validate. */
@Command(name = "silver", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Streams one exchange's bronze table into its silver table; every record that fails goes to "
        + "the DLQ with its reasons.")
public final class SilverJob implements Callable<Integer> {
  @Option(names = "--exchange", required = true, description = "${COMPLETION-CANDIDATES} (any case).")
  Exchange exchange;

  @Option(names = "--max-files-per-trigger", defaultValue = "${env:CRYPTOLAKE_SILVER_MAX_FILES:-500}",
      description = "Bronze data files per micro-batch at most (env CRYPTOLAKE_SILVER_MAX_FILES; default ${DEFAULT-VALUE}).")
  int maxFilesPerTrigger;

  @Mixin ValidationOptions validation;
  @Mixin LakeOptions lake;
  @Mixin StreamOptions stream;

  @Override
  public Integer call() {
    Check.positive("--max-files-per-trigger", maxFilesPerTrigger);
    SilverConfig config = new SilverConfig(exchange, validation.registryUrl(),
        validation.registryMaxWait, validation.toConfig(), maxFilesPerTrigger, stream.toConfig());
    LakeConfig lakeConfig = lake.toConfig();
    List<Server> servers = new ArrayList<>(List.of(validation.registry()));
    servers.addAll(lake.servers());
    try (CheckpointLease lease = JobRunner.lease(config.jobName(), config.stream(), lakeConfig)) {
      SparkSession spark = LakeSession.forJob(config.jobName(), lakeConfig);
      JobRunner.beforeQueries(config.jobName(), servers, () -> EmptyCheckpoint.requireResumable(spark,
          config.jobName(), config.stream(), SilverStream.outputs(lakeConfig, exchange)));
      return JobRunner.superviseStreaming(config.jobName(), config.stream(), spark, servers,
          List.of(() -> SilverStream.start(spark, lakeConfig, config)));
    }
  }

  public static void main(String[] args) {
    JobRunner.main(new SilverJob(), args);
  }
}
