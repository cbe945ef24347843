package io.cryptolake.gold;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.gaps.GapMonitor;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.Tables;
import io.cryptolake.streaming.SchedulerPools;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Storage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * Gold's gap check submits its Spark jobs in the background pool, which has no minimum share: in the job's
 * application (fair scheduling) its tasks run only when gold's queries have none waiting. In the `default`
 * pool it won ties against gold's trades and held them back 40-100 s every 5 minutes (docs/benchmarks.md,
 * round 15).
 */
class GapMonitorPoolTest {
  @Test
  void theGapChecksJobsRunInTheBackgroundPool() throws Exception {
    TestLake.Lake lake = TestLake.lake("gap_monitor_pool", Storage.LOCAL);
    Instant t0 = Instant.parse("2026-12-03T10:00:00Z");
    GoldRows.append(lake, List.of(GoldRows.trade("BINANCE", "BTCUSDT", 1, t0, "1", "1"),
        GoldRows.trade("BINANCE", "BTCUSDT", 5, t0.plusSeconds(1), "1", "1")));
    // Jobs this thread (and a thread it starts) submits run in "test" unless they choose a pool of their own.
    TestLake.spark().sparkContext().setLocalProperty(SchedulerPools.PROPERTY, "test");
    Set<String> pools = ConcurrentHashMap.newKeySet();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        pools.add(String.valueOf(start.properties().getProperty(SchedulerPools.PROPERTY)));
      }
    };
    LakeCatalog catalog = new LakeCatalog(TestLake.spark(), lake.config());
    TestLake.spark().sparkContext().addSparkListener(listener);
    try (GapMonitor monitor = new GapMonitor(TestLake.spark(), lake.config(), Duration.ofMillis(500),
        Duration.ofDays(3_650))) {
      // Waits through Iceberg's API, not Spark: every job started meanwhile is the monitor's.
      await("the first check recorded its gap").atMost(Duration.ofMinutes(2))
          .until(() -> catalog.exists(Tables.SEQUENCE_GAPS)
              && catalog.load(Tables.SEQUENCE_GAPS).currentSnapshot() != null);
      await("the listener heard of the check's jobs").atMost(Duration.ofSeconds(30)).until(() -> !pools.isEmpty());
    } finally {
      TestLake.spark().sparkContext().removeSparkListener(listener);
      TestLake.spark().sparkContext().setLocalProperty(SchedulerPools.PROPERTY, null);
    }
    assertEquals(Set.of(SchedulerPools.BACKGROUND), pools);
    Row gap = TestLake.spark().table(lake.config().qualified(Tables.SEQUENCE_GAPS)).first();
    assertEquals(3L, ((Number) gap.getAs("gap_size")).longValue(), gap.toString());
  }
}
