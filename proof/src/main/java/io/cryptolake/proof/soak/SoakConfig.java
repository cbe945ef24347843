package io.cryptolake.proof.soak;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A soak: {@code days} simulated days of {@code tradesPerSymbol} trades per symbol each, one day every
 * {@code dayPause} of real time; {@code maintainEvery} days a `maintain` runs beside the jobs; silver-kraken
 * is stopped on {@code lagFrom} and resubmitted on {@code lagTo} (a lagging exchange); Binance ETHUSDT is
 * silent on the outage day. Gold runs with {@code watermark}.
 */
public record SoakConfig(int days, int tradesPerSymbol, Duration dayPause, int maintainEvery, int lagFrom,
    int lagTo, Duration watermark, long seed, Path dir) {

  /** The outage day: in the middle. */
  int outageDay() {
    return days / 2;
  }

  /**
   * Long enough for every key's expiry check (every watermark / 5 of processing time) to fall due. Gold runs
   * no batch without data, so the checks that are due run in its next batch with data.
   */
  Duration expiryChecksDue() {
    return watermark.dividedBy(5).plusSeconds(10);
  }
}
