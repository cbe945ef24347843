package io.cryptolake.gold;

import io.cryptolake.streaming.StreamConfig;
import java.time.Duration;

/** How the gold job de-duplicates and how fast it runs. */
public record GoldConfig(Duration watermarkDelay, int maxFilesPerTrigger, StreamConfig stream) {
  public static final String JOB_NAME = "gold";
  public static final String OHLCV_QUERY = "gold-ohlcv-1m";
}
