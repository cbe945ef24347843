package io.cryptolake.producers.synthetic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.schemas.Manifest;
import io.cryptolake.schemas.Manifest.ExchangeCounts;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Two producer runs as one manifest, as the benchmark reconciles a deployment against all it was sent. */
class ManifestPlusTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

  @Test
  void countsOfTheSameExchangeAddUpAndAnExchangeOfOneRunIsKept() {
    Manifest first = new Manifest(1, T0, T0.plusSeconds(10), Map.of(
        "binance", new ExchangeCounts("t.binance", 1, 100, 90, 5, 3, Map.of("bad_price", 10L),
            Map.of("invalid_price", 10L), Map.of(0, 60L, 1, 40L))));
    Manifest second = new Manifest(2, T0.plusSeconds(20), T0.plusSeconds(30), Map.of(
        "binance", new ExchangeCounts("t.binance", 1, 50, 45, 1, 2, Map.of("bad_price", 3L, "truncated", 2L),
            Map.of("invalid_price", 3L, "avro_decode_failed", 2L), Map.of(1, 20L, 2, 30L)),
        "kraken", new ExchangeCounts("t.kraken", 2, 7, 7, 0, 0, Map.of(), Map.of(), Map.of(0, 7L))));

    Manifest both = first.plus(second);

    assertEquals(T0, both.startedAt());
    assertEquals(T0.plusSeconds(30), both.finishedAt());
    assertEquals(157, both.totalSent());
    ExchangeCounts binance = both.exchanges().get("binance");
    assertEquals(new ExchangeCounts("t.binance", 1, 150, 135, 6, 5, Map.of("bad_price", 13L, "truncated", 2L),
        Map.of("invalid_price", 13L, "avro_decode_failed", 2L), Map.of(0, 60L, 1, 60L, 2, 30L)), binance);
    assertEquals(second.exchanges().get("kraken"), both.exchanges().get("kraken"));
    assertEquals(Map.of("avro_decode_failed", 2L, "invalid_price", 13L), both.expectedDlqReasons());
  }
}
