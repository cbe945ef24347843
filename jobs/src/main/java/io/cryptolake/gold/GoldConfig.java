package io.cryptolake.gold;

import io.cryptolake.streaming.StreamConfig;
import java.time.Duration;

/**
 * How the gold job de-duplicates and how fast it runs. {@code stateRowsBound} is what the operator expects the
 * de-duplication state to stay under; it is published beside the state's size for the alert to compare.
 * {@code barsEvery} is the bars query's trigger interval; null runs it on the stream's trigger, like the trades.
 */
public record GoldConfig(Duration watermarkDelay, int maxFilesPerTrigger, StreamConfig stream, long stateRowsBound,
    Duration barsEvery) {
  public static final String JOB_NAME = "gold";
  public static final String OHLCV_QUERY = "gold-ohlcv-1m";
  /** The bars query's checkpoint; a new name since bars became merges (the old aggregation's state is unused). */
  public static final String OHLCV_CHECKPOINT = "gold-ohlcv-1m-merge";
  public static final long DEFAULT_STATE_ROWS_BOUND = 5_000_000;

  public GoldConfig(Duration watermarkDelay, int maxFilesPerTrigger, StreamConfig stream) {
    this(watermarkDelay, maxFilesPerTrigger, stream, DEFAULT_STATE_ROWS_BOUND, null);
  }

  /** The same settings with the stream settings of {@code other}. */
  public GoldConfig withStream(StreamConfig other) {
    return new GoldConfig(watermarkDelay, maxFilesPerTrigger, other, stateRowsBound, barsEvery);
  }

  /** The bars query's trigger interval. */
  public Duration barsInterval() {
    return barsEvery == null ? stream.triggerInterval() : barsEvery;
  }

  /** When the de-duplication state checks an entry again ({@link ExpiryChecks}). */
  ExpiryChecks expiryChecks() {
    return new ExpiryChecks(watermarkDelay.toMillis(), expiryCheckMs(), firstCheckMarginMs());
  }

  /** How often an entry the watermark may already have passed checks whether it has. */
  long expiryCheckMs() {
    return Math.max(1_000, watermarkDelay.toMillis() / 5);
  }

  /**
   * How long after the watermark should have passed a new entry it is first checked: a
   * trigger interval, for the watermark a batch behind; at least a second.
   */
  long firstCheckMarginMs() {
    return Math.max(1_000, stream.triggerInterval().toMillis());
  }
}
