package io.cryptolake.jobs.options;

import io.cryptolake.cli.Check;
import io.cryptolake.gold.GoldConfig;
import io.cryptolake.streaming.StreamConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** How gold de-duplicates, builds bars and checks gaps: the options of gold and of the one-application pipeline. */
public final class GoldOptions {
  /** The bars query's default interval: LocalCluster waits that long for the bars to find gold's last trades. */
  public static final String DEFAULT_BARS_EVERY = "30s";

  @Option(names = "--watermark", defaultValue = "${env:CRYPTOLAKE_GOLD_WATERMARK:-5m}",
      description = "How late a trade may arrive, by trade time, and still be de-duplicated in memory "
          + "(env CRYPTOLAKE_GOLD_WATERMARK; default ${DEFAULT-VALUE}).")
  Duration watermark;

  @Option(names = "--state-rows-bound", defaultValue = "${env:CRYPTOLAKE_GOLD_STATE_ROWS_BOUND:-5000000}",
      description = "Entries the de-duplication state should stay under: published as state_rows_bound, and the "
          + "CryptolakeStateRowsAboveBound alert fires above it; one entry per exchange and symbol (a checkpoint "
          + "started before that layout: one per key, about trades/s x (watermark + 1 min)) "
          + "(env CRYPTOLAKE_GOLD_STATE_ROWS_BOUND; default ${DEFAULT-VALUE}).")
  long stateRowsBound;

  @Option(names = "--gold-poll-interval", defaultValue = StreamOptions.GOLD_POLL,
      description = "How often gold looks for the silvers' new commits: a batch starts as soon as there is one, at "
          + "the latest on --trigger-interval (env CRYPTOLAKE_GOLD_POLL_INTERVAL; default ${DEFAULT-VALUE}).")
  Duration pollInterval;

  @Option(names = "--ohlcv", negatable = true, defaultValue = "true",
      description = "Also write the 1-minute bars (default: yes; --no-ohlcv turns them off).")
  boolean ohlcv;

  @Option(names = "--bars-every", defaultValue = "${env:CRYPTOLAKE_GOLD_BARS_EVERY:-" + DEFAULT_BARS_EVERY + "}",
      description = "How often the 1-minute bars are brought up to date with gold's new trades: each run adds "
          + "them to the bars they fall in, with one MERGE, so a longer interval means fewer, larger MERGEs "
          + "(env CRYPTOLAKE_GOLD_BARS_EVERY; default ${DEFAULT-VALUE}).")
  Duration barsEvery;

  @Option(names = "--gaps-every", defaultValue = "${env:CRYPTOLAKE_GOLD_GAPS_EVERY:-5m}",
      description = "How often the job looks for sequence gaps among the trades gold gained since its last look "
          + "and records them (env CRYPTOLAKE_GOLD_GAPS_EVERY; default ${DEFAULT-VALUE}).")
  Duration gapsEvery;

  @Option(names = "--gaps-lookback", defaultValue = "${env:CRYPTOLAKE_GOLD_GAPS_LOOKBACK:-1h}",
      description = "Trade-time window of the first gap check; later ones look at what gold gained since "
          + "(env CRYPTOLAKE_GOLD_GAPS_LOOKBACK; default ${DEFAULT-VALUE}).")
  Duration gapsLookback;

  /** Checked before the job starts; {@code maxFilesOption} names the option {@code maxFiles} came from. */
  public GoldConfig toConfig(String maxFilesOption, int maxFiles, StreamConfig stream) {
    Check.positive("--watermark", watermark);
    Check.positive("--state-rows-bound", stateRowsBound);
    Check.positive(maxFilesOption, maxFiles);
    Check.positive("--bars-every", barsEvery);
    Check.positive("--gaps-every", gapsEvery);
    Check.positive("--gaps-lookback", gapsLookback);
    Check.positive("--gold-poll-interval", pollInterval);
    return new GoldConfig(watermark, maxFiles, stream.withSourcePoll(pollInterval), stateRowsBound, barsEvery);
  }

  public boolean ohlcv() {
    return ohlcv;
  }

  public Duration gapsEvery() {
    return gapsEvery;
  }

  public Duration gapsLookback() {
    return gapsLookback;
  }
}
