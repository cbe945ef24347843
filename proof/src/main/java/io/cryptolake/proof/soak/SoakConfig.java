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

  /** Long enough for gold's expiry checks (every watermark / 5 of processing time) to run twice after catch-up. */
  Duration stateSettles() {
    return watermark.dividedBy(5).multipliedBy(3).plusSeconds(10);
  }
}
