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

  /** A soak of {@code days} days; silver-kraken lags from a quarter of the way for a tenth of the days (at least one). */
  public static SoakConfig of(int days, int tradesPerSymbol, Duration dayPause, int maintainEvery, Duration watermark,
      long seed, Path dir) {
    int lagFrom = Math.max(1, days / 4);
    return new SoakConfig(days, tradesPerSymbol, dayPause, maintainEvery, lagFrom, lagFrom + Math.max(1, days / 10),
        watermark, seed, dir);
  }

  /**
   * The short version ({@code make soak ARGS=--quick}): four days of 100 trades per symbol, one every 8 s, a
   * one-minute watermark, maintain from the second day on (its run beside the jobs is the soak's longest step,
   * so it starts as early as there is something to maintain; one run takes longer than the days left). Every
   * event of the full run happens once: duplicates, held-back blocks, poison, the lagging exchange, the outage.
   */
  public static SoakConfig quick(Path dir) {
    return of(4, 100, Duration.ofSeconds(8), 1, Duration.ofMinutes(1), 2026, dir);
  }

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
