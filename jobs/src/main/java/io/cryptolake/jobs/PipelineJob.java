package io.cryptolake.jobs;

import io.cryptolake.cli.Check;
import io.cryptolake.cli.KafkaServers;
import io.cryptolake.gold.GoldConfig;
import io.cryptolake.jobs.options.BronzeOptions;
import io.cryptolake.jobs.options.GoldOptions;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.jobs.options.StreamOptions;
import io.cryptolake.jobs.options.ValidationOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code pipeline}: the five streaming jobs in ONE application (one driver, shared executors), for a machine
 * too small for five. Each job keeps what it has as its own application: its checkpoints (the same paths,
 * so a deployment moves between the two without losing state), its lease, its supervisor, its metrics
 * (published as {@code <job>.<name>}) and its pool of Spark's fair scheduler.
 */
@Command(name = "pipeline", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs bronze and silver of each exchange and gold (with its bars and gap check) in one Spark",
        "application: the queries of bronze-<exchange>, silver-<exchange> and gold with their own checkpoints, so",
        "a deployment moves between this and the five applications without losing state (stop one before",
        "starting the other: a job that runs in both is refused by its checkpoint's lease)."})
public final class PipelineJob implements Callable<Integer> {
  public static final String APP_NAME = "pipeline";

  @Option(names = "--exchanges", split = ",", defaultValue = Exchange.ALL_IDS,
      description = "Exchanges whose bronze and silver run here (default ${DEFAULT-VALUE}).")
  List<Exchange> exchanges;

  @Option(names = "--topic", description = "An exchange's topic, if not market.crypto.trades.<exchange>: "
      + "EXCHANGE=TOPIC, once per exchange.")
  Map<Exchange, String> topics = new EnumMap<>(Exchange.class);

  @Mixin KafkaServers kafka;
  @Mixin BronzeOptions bronze;
  @Mixin ValidationOptions validation;

  @Option(names = "--silver-max-files-per-trigger", defaultValue = StreamOptions.SILVER_MAX_FILES,
      description = "Bronze data files per silver micro-batch at most (env CRYPTOLAKE_SILVER_MAX_FILES; "
          + "default ${DEFAULT-VALUE}).")
  int silverMaxFiles;

  @Option(names = "--silver-poll-interval", defaultValue = StreamOptions.SILVER_POLL,
      description = "How often silver looks for bronze's new commits: a batch starts as soon as there is one, at "
          + "the latest on --trigger-interval (env CRYPTOLAKE_SILVER_POLL_INTERVAL; default ${DEFAULT-VALUE}).")
  Duration silverPoll;

  @Mixin GoldOptions gold;

  @Option(names = "--gold-max-files-per-trigger", defaultValue = StreamOptions.GOLD_MAX_FILES,
      description = "Silver data files per gold micro-batch at most (env CRYPTOLAKE_GOLD_MAX_FILES; "
          + "default ${DEFAULT-VALUE}).")
  int goldMaxFiles;

  @Mixin LakeOptions lake;
  @Mixin StreamOptions stream;

  @Override
  public Integer call() {
    Check.positive("--silver-max-files-per-trigger", silverMaxFiles);
    Check.positive("--silver-poll-interval", silverPoll);
    List<Exchange> running = exchanges.stream().distinct().toList();
    // A topic for an exchange not run here would be ignored: most likely a mistyped --exchanges.
    Check.known("--topic", topics.keySet().stream().map(Exchange::id).toList(),
        running.stream().map(Exchange::id).toList());
    StreamConfig streamConfig = stream.toConfig();
    LakeConfig lakeConfig = lake.toConfig();
    List<JobQueries> jobs = new ArrayList<>();
    for (Exchange exchange : running) {
      jobs.add(BronzeJob.queries(bronze.toConfig(exchange, kafka.bootstrapServers(), topics.get(exchange),
          streamConfig), lakeConfig, kafka.server(), lake.servers()));
    }
    for (Exchange exchange : running) {
      jobs.add(SilverJob.queries(SilverJob.config(exchange, validation, silverMaxFiles,
          streamConfig.withSourcePoll(silverPoll)), lakeConfig,
          validation.registry(), lake.servers()));
    }
    GoldConfig goldConfig = gold.toConfig("--gold-max-files-per-trigger", goldMaxFiles, streamConfig);
    jobs.add(GoldJob.queries(goldConfig, gold, lakeConfig, lake.servers()));
    return JobRunner.runStreaming(APP_NAME, streamConfig, lakeConfig, jobs);
  }

  public static void main(String[] args) {
    JobRunner.main(new PipelineJob(), args);
  }
}
