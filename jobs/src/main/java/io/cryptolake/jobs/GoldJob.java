package io.cryptolake.jobs;

import io.cryptolake.cli.Server;
import io.cryptolake.gaps.GapMonitor;
import io.cryptolake.gold.GoldConfig;
import io.cryptolake.gold.GoldStream;
import io.cryptolake.gold.OhlcvStream;
import io.cryptolake.jobs.options.GoldOptions;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.jobs.options.StreamOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.streaming.EmptyCheckpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
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
  @Mixin GoldOptions gold;

  @Option(names = "--max-files-per-trigger", defaultValue = StreamOptions.GOLD_MAX_FILES,
      description = "Silver data files per micro-batch at most (env CRYPTOLAKE_GOLD_MAX_FILES; default ${DEFAULT-VALUE}).")
  int maxFilesPerTrigger;

  @Mixin LakeOptions lake;
  @Mixin StreamOptions stream;

  @Override
  public Integer call() {
    GoldConfig config = gold.toConfig("--max-files-per-trigger", maxFilesPerTrigger, stream.toConfig());
    LakeConfig lakeConfig = lake.toConfig();
    return JobRunner.runStreaming(GoldConfig.JOB_NAME, config.stream(), lakeConfig,
        List.of(queries(config, gold, lakeConfig, lake.servers())));
  }

  /**
   * Gold: de-duplication and, unless --no-ohlcv, the bars; its gap check runs beside them. It refuses an empty
   * checkpoint over a gold table that holds rows.
   */
  static JobQueries queries(GoldConfig config, GoldOptions gold, LakeConfig lake, List<Server> lakeServers) {
    return new JobQueries(GoldConfig.JOB_NAME,
        List.of(Tables.GOLD, Tables.OHLCV_1M, Tables.SEQUENCE_GAPS, Tables.SEQUENCE_PROGRESS), lakeServers,
        spark -> EmptyCheckpoint.requireResumable(spark, GoldConfig.JOB_NAME, config.stream(),
            GoldStream.outputs(lake)),
        spark -> {
          List<Supplier<StreamingQuery>> queries = new ArrayList<>();
          queries.add(() -> GoldStream.start(spark, lake, config));
          if (gold.ohlcv()) {
            queries.add(() -> OhlcvStream.start(spark, lake, config));
          }
          return queries;
        },
        spark -> new GapMonitor(spark, lake, gold.gapsEvery(), gold.gapsLookback()));
  }

  public static void main(String[] args) {
    JobRunner.main(new GoldJob(), args);
  }
}
