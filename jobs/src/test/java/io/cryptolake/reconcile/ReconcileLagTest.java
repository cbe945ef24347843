package io.cryptolake.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.gold.BarCheck;
import io.cryptolake.gold.GoldConfig;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamingReaders;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.RawTrades;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13.3: a lagging job is not a violation. With the checkpoint root, reconcile checks each job on what its
 * last committed batch read, and reports the rest as behind; without it, the same lake reports them missing. The
 * same for the bars (issue 15): a minute with gold rows the bars query has not read is behind, not different.
 */
class ReconcileLagTest {
  private static final String TOPIC = "reconcile_lag.binance";

  @Test
  void rowsAJobHasNotReadYetAreBehindNotMissing() throws Exception {
    Lake lake = TestLake.lake("reconcile_lag", Storage.LOCAL);
    int schemaId = RawTrades.topic(TOPIC, Exchange.BINANCE);
    // Minutes m, m+1, m+2: the first 100 trades fill the end of m and the start of m+1, the next 50 the end of
    // m+1 and the start of m+2 (1 ms apart).
    Instant m = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofMinutes(10));
    RawTrades.send(RawTrades.binance(TOPIC, schemaId, 1, 100, m.plusMillis(59_950)));
    Pipeline.bronzeCaughtUp(lake, Exchange.BINANCE, TOPIC, 100_000);
    Pipeline.silverCaughtUp(lake, Exchange.BINANCE);
    Pipeline.goldDrained(lake);
    Pipeline.barsCaughtUp(lake);
    Reconciliation.Result caughtUp = reconcile(lake, lake.checkpointRoot());
    assertTrue(caughtUp.ok(), caughtUp.toString());
    assertEquals(0, caughtUp.of(Exchange.BINANCE).behind().rows());
    assertEquals(0, caughtUp.gold().behind().rows());
    assertEquals(BarCheck.Behind.NONE, caughtUp.bars().behind());
    assertEquals(2, caughtUp.bars().bars());

    // 50 more trades in bronze that silver has not read: behind, not missing.
    RawTrades.send(RawTrades.binance(TOPIC, schemaId, 101, 50, m.plusMillis(119_975)));
    Pipeline.bronzeCaughtUp(lake, Exchange.BINANCE, TOPIC, 100_000);
    Reconciliation.Result silverLags = reconcile(lake, lake.checkpointRoot());
    assertTrue(silverLags.ok(), silverLags.toString());
    Reconciliation.ExchangeResult binance = silverLags.of(Exchange.BINANCE);
    assertEquals(List.of(100L, 100L, 0L, 0L), List.of(binance.bronze(), binance.silver(), binance.dlq(), binance.missing()));
    assertEquals(50, binance.behind().rows());
    assertEquals("silver-binance", binance.behind().query());
    // The same from the table's snapshots alone, as the benchmark samples it.
    assertEquals(Map.of("silver-binance", 50L), rowsBehind(lake, Tables.bronzeName(Exchange.BINANCE)));
    Reconciliation.Result withoutCheckpoints = reconcile(lake, null);
    assertFalse(withoutCheckpoints.ok());
    assertEquals(50, withoutCheckpoints.of(Exchange.BINANCE).missing());

    // Silver reads them; gold has not: silver's 50 new keys are behind for gold.
    Pipeline.silverCaughtUp(lake, Exchange.BINANCE);
    Reconciliation.Result goldLags = reconcile(lake, lake.checkpointRoot());
    assertTrue(goldLags.ok(), goldLags.toString());
    assertEquals(0, goldLags.of(Exchange.BINANCE).behind().rows());
    assertEquals(List.of(150L, 100L, 0L, 0L), List.of(goldLags.gold().silverKeys(), goldLags.gold().goldRows(),
        goldLags.gold().missing(), goldLags.gold().extra()));
    assertEquals(50, goldLags.gold().behind().rows());
    assertEquals(50, reconcile(lake, null).gold().missing());
    Map<String, Long> goldBehind = rowsBehind(lake, Tables.silverName(Exchange.BINANCE));
    assertFalse(goldBehind.isEmpty());
    goldBehind.forEach((query, rows) -> assertEquals(50L, rows, query + " " + goldBehind));
    assertEquals(Map.of("silver-binance", 0L), rowsBehind(lake, Tables.bronzeName(Exchange.BINANCE)));

    // Gold has them; the bars query has not read them: the bars of their minutes are behind, not different.
    Pipeline.goldDrained(lake);
    Reconciliation.Result barsLag = reconcile(lake, lake.checkpointRoot());
    assertTrue(barsLag.ok(), barsLag.toString());
    assertEquals(150, barsLag.gold().goldRows());
    assertEquals(0, barsLag.gold().behind().rows());
    rowsBehind(lake, Tables.silverName(Exchange.BINANCE)).forEach((query, rows) -> assertEquals(0L, rows, query));
    assertEquals(new BarCheck.Behind(GoldConfig.OHLCV_CHECKPOINT, 50, 2), barsLag.bars().behind());
    // Minute m is checked (nothing of it is unread); m+1, now with 25 more trades, and m+2, new, are not.
    assertEquals(List.of(1L, 1L), List.of(barsLag.bars().bars(), barsLag.bars().expected()));
    BarCheck.Result unchecked = reconcile(lake, null).bars();
    assertEquals(List.of(1L, 1L), List.of(unchecked.different(), unchecked.missing()), unchecked.line());

    Pipeline.barsCaughtUp(lake);
    Reconciliation.Result done = reconcile(lake, lake.checkpointRoot());
    assertTrue(done.ok(), done.toString());
    assertEquals(BarCheck.Behind.NONE, done.bars().behind());
    assertEquals(3, done.bars().bars());
    assertTrue(reconcile(lake, null).ok());
  }

  private static Map<String, Long> rowsBehind(Lake lake, String table) {
    return StreamingReaders.under(lake.checkpointRoot(), TestLake.spark().sparkContext().hadoopConfiguration())
        .rowsBehind(new LakeCatalog(TestLake.spark(), lake.config()).require(table));
  }

  private static Reconciliation.Result reconcile(Lake lake, String checkpointRoot) {
    return Reconciliation.run(TestLake.spark(), lake.config(), List.of(Exchange.BINANCE), null, null, checkpointRoot);
  }
}
