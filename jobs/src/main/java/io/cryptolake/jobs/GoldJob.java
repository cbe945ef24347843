package io.cryptolake.jobs;

import io.cryptolake.cli.Check;
import io.cryptolake.gaps.GapMonitor;
import io.cryptolake.gold.GoldConfig;
import io.cryptolake.gold.GoldStream;
import io.cryptolake.gold.OhlcvStream;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.jobs.options.StreamOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.streaming.CheckpointLease;
import io.cryptolake.streaming.EmptyCheckpoint;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gold}: the silver tables, unioned and de-duplicated, into gold; and 1-minute bars from gold. */
@Command(name = "gold", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Unions every silver table, removes duplicates on (exchange, symbol, trade_id) with state bounded",
        "by an event-time watermark, and writes gold_crypto_trades by UTC date and hour. Rows later than the",
        "watermark are counted and written through only if gold lacks their key. A second query writes",
        "gold_ohlcv_1m, one bar per (exchange, symbol, minute), brought up to date by every gold commit, so a bar",
        "always equals gold's trades of its minute, late and replayed ones included."})
public final class GoldJob implements Callable<Integer> {
  @Option(names = "--watermark", defaultValue = "${env:CRYPTOLAKE_GOLD_WATERMARK:-5m}",
      description = "How late a trade may arrive, by trade time, and still be de-duplicated in memory "
          + "(env CRYPTOLAKE_GOLD_WATERMARK; default ${DEFAULT-VALUE}).")
  Duration watermark;

  @Option(names = "--state-rows-bound", defaultValue = "${env:CRYPTOLAKE_GOLD_STATE_ROWS_BOUND:-5000000}",
      description = "Keys the de-duplication state should stay under: published as state_rows_bound, and the "
          + "CryptolakeStateRowsAboveBound alert fires above it; about trades/s x (watermark + 1 min) "
          + "(env CRYPTOLAKE_GOLD_STATE_ROWS_BOUND; default ${DEFAULT-VALUE}).")
  long stateRowsBound;

  @Option(names = "--max-files-per-trigger", defaultValue = "${env:CRYPTOLAKE_GOLD_MAX_FILES:-500}",
      description = "Silver data files per micro-batch at most (env CRYPTOLAKE_GOLD_MAX_FILES; default ${DEFAULT-VALUE}).")
  int maxFilesPerTrigger;

  @Option(names = "--ohlcv", negatable = true, defaultValue = "true",
      description = "Also write the 1-minute bars (default: yes; --no-ohlcv turns them off).")
  boolean ohlcv;

  @Option(names = "--gaps-every", defaultValue = "${env:CRYPTOLAKE_GOLD_GAPS_EVERY:-5m}",
      description = "How often the job looks for sequence gaps in the last --gaps-lookback of gold and records "
          + "them (env CRYPTOLAKE_GOLD_GAPS_EVERY; default ${DEFAULT-VALUE}).")
  Duration gapsEvery;

  @Option(names = "--gaps-lookback", defaultValue = "${env:CRYPTOLAKE_GOLD_GAPS_LOOKBACK:-1h}",
      description = "Trade-time window of each gap check (env CRYPTOLAKE_GOLD_GAPS_LOOKBACK; default ${DEFAULT-VALUE}).")
  Duration gapsLookback;

  @Mixin LakeOptions lake;
  @Mixin StreamOptions stream;

  @Override
  public Integer call() {
    Check.positive("--watermark", watermark);
    Check.positive("--state-rows-bound", stateRowsBound);
    Check.positive("--max-files-per-trigger", maxFilesPerTrigger);
    Check.positive("--gaps-every", gapsEvery);
    Check.positive("--gaps-lookback", gapsLookback);
    GoldConfig config = new GoldConfig(watermark, maxFilesPerTrigger, stream.toConfig(), stateRowsBound);
    LakeConfig lakeConfig = lake.toConfig();
    try (CheckpointLease lease = JobRunner.lease(GoldConfig.JOB_NAME, config.stream(), lakeConfig)) {
      return run(config, lakeConfig);
    }
  }

  private int run(GoldConfig config, LakeConfig lakeConfig) {
    SparkSession spark = LakeSession.forJob(GoldConfig.JOB_NAME, lakeConfig);
    JobRunner.beforeQueries(GoldConfig.JOB_NAME, lake.servers(), () -> EmptyCheckpoint.requireResumable(spark,
        GoldConfig.JOB_NAME, config.stream(), GoldStream.outputs(lakeConfig)));
    try (GapMonitor gaps = new GapMonitor(spark, lakeConfig, gapsEvery, gapsLookback)) {
      Supplier<StreamingQuery> dedup = () -> GoldStream.start(spark, lakeConfig, config);
      Supplier<StreamingQuery> bars = () -> OhlcvStream.start(spark, lakeConfig, config);
      return JobRunner.superviseStreaming(GoldConfig.JOB_NAME, config.stream(), spark, lake.servers(),
          ohlcv ? List.of(dedup, bars) : List.of(dedup));
    }
  }

  public static void main(String[] args) {
    JobRunner.main(new GoldJob(), args);
  }
}
