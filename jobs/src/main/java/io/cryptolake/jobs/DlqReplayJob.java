package io.cryptolake.jobs;

import io.cryptolake.cli.Check;
import io.cryptolake.cli.RegistryUrl;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.jobs.options.ValidationOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.replay.DlqReplay;
import io.cryptolake.replay.ReplayOptions;
import io.cryptolake.replay.ReplayResult;
import io.cryptolake.schemas.DlqReason;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.CheckpointLease;
import io.cryptolake.validation.ValidationConfig;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dlq-replay} (batch): DLQ rows through today's decoding and rules; the valid ones back into silver. */
@Command(name = "dlq-replay", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Re-decodes and re-validates unresolved DLQ rows with the current code and rules. Rows that pass",
        "are appended to their exchange's silver table (unless silver has their offset already) and marked",
        "resolved; the gold job takes them from there. Rows that still fail get their new reasons. Safe to run",
        "while the streaming jobs run, and to run twice."})
public final class DlqReplayJob implements Callable<Integer> {
  @Option(names = "--exchanges", split = ",", defaultValue = Exchange.ALL_IDS,
      description = "Sources to replay, by exchange (default ${DEFAULT-VALUE}).")
  List<Exchange> exchanges;

  @Option(names = "--from", description = "First DLQ date to replay (yyyy-mm-dd).")
  LocalDate from;

  @Option(names = "--to", description = "Last DLQ date to replay (yyyy-mm-dd).")
  LocalDate to;

  @Option(names = "--error-types", split = ",", description = "Only these error types, e.g. timestamp_validation.")
  List<DlqReason.ErrorType> errorTypes;

  @Option(names = "--reasons", split = ",", description = "Only these error reasons, e.g. timestamp_too_old.")
  List<DlqReason> reasons;

  @Option(names = "--limit", description = "At most this many rows per exchange, oldest first.")
  Long limit;

  @Option(names = "--dry-run", description = "Write nothing; print what would happen per reason.")
  boolean dryRun;

  @Mixin ValidationOptions validation;
  @Mixin LakeOptions lake;

  @Override
  public Integer call() throws Exception {
    Check.ordered("--from", from, "--to", to, true);
    if (limit != null) {
      Check.positive("--limit", limit);
    }
    ValidationConfig rules = validation.toConfig();
    LakeConfig lakeConfig = lake.toExistingLake();
    validation.registry().require(RegistryUrl.OPTION);
    // Two replays at once would both select the same DLQ rows and both append them to silver: one at a time.
    try (CheckpointLease lock = dryRun ? null : CheckpointLease.acquireLock(DlqReplay.lockDirectory(lakeConfig),
        LakeSession.hadoopConfiguration(lakeConfig), "dlq-replay", () -> System.exit(1))) {
      return JobRunner.onSession("dlq-replay", lakeConfig, spark -> {
        ReplayResult result = DlqReplay.run(spark, lakeConfig, new ReplayOptions(exchanges, from, to,
            errorTypes == null ? null : errorTypes.stream().map(DlqReason.ErrorType::value).toList(),
            reasons == null ? null : reasons.stream().map(DlqReason::reason).toList(), limit, dryRun,
            validation.registryUrl(), validation.registryMaxWait, rules));
        result.print(System.out);
        return 0;
      });
    }
  }

  public static void main(String[] args) {
    JobRunner.main(new DlqReplayJob(), args);
  }
}
