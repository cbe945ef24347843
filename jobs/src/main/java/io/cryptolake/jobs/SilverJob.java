package io.cryptolake.jobs;

import io.cryptolake.cli.Check;
import io.cryptolake.cli.Server;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.jobs.options.StreamOptions;
import io.cryptolake.jobs.options.ValidationOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.silver.SilverConfig;
import io.cryptolake.silver.SilverStream;
import io.cryptolake.streaming.EmptyCheckpoint;
import io.cryptolake.streaming.StreamConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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

  @Option(names = "--max-files-per-trigger", defaultValue = StreamOptions.SILVER_MAX_FILES,
      description = "Bronze data files per micro-batch at most (env CRYPTOLAKE_SILVER_MAX_FILES; default ${DEFAULT-VALUE}).")
  int maxFilesPerTrigger;

  @Option(names = "--poll-interval", defaultValue = StreamOptions.SILVER_POLL,
      description = "How often to look for bronze's new commits: a batch starts as soon as there is one, at the "
          + "latest on --trigger-interval (env CRYPTOLAKE_SILVER_POLL_INTERVAL; default ${DEFAULT-VALUE}).")
  Duration pollInterval;

  @Mixin ValidationOptions validation;
  @Mixin LakeOptions lake;
  @Mixin StreamOptions stream;

  @Override
  public Integer call() {
    Check.positive("--max-files-per-trigger", maxFilesPerTrigger);
    Check.positive("--poll-interval", pollInterval);
    SilverConfig config = config(exchange, validation, maxFilesPerTrigger,
        stream.toConfig().withSourcePoll(pollInterval));
    LakeConfig lakeConfig = lake.toConfig();
    return JobRunner.runStreaming(config.jobName(), config.stream(), lakeConfig,
        List.of(queries(config, lakeConfig, validation.registry(), lake.servers())));
  }

  static SilverConfig config(Exchange exchange, ValidationOptions validation, int maxFiles, StreamConfig stream) {
    return new SilverConfig(exchange, validation.registryUrl(), validation.registryMaxWait, validation.toConfig(),
        maxFiles, stream);
  }

  /** Silver of one exchange: it refuses an empty checkpoint over a silver table that holds rows. */
  static JobQueries queries(SilverConfig config, LakeConfig lake, Server registry, List<Server> lakeServers) {
    List<Server> servers = new ArrayList<>(List.of(registry));
    servers.addAll(lakeServers);
    return new JobQueries(config.jobName(), List.of(Tables.silverName(config.exchange()), Tables.DLQ), servers,
        spark -> EmptyCheckpoint.requireResumable(spark, config.jobName(), config.stream(),
            SilverStream.outputs(lake, config.exchange())),
        spark -> List.of(() -> SilverStream.start(spark, lake, config)));
  }

  public static void main(String[] args) {
    JobRunner.main(new SilverJob(), args);
  }
}
