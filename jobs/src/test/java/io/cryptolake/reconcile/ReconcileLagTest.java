package io.cryptolake.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamingReaders;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.RawTrades;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 13.3: a lagging job is not a violation. With the checkpoint root, reconcile checks each job on what its
 * last committed batch read, and reports the rest as behind; without it, the same lake reports them missing.
 */
class ReconcileLagTest {
  private static final String TOPIC = "reconcile_lag.binance";

  @Test
  void rowsAJobHasNotReadYetAreBehindNotMissing() throws Exception {
    Lake lake = TestLake.lake("reconcile_lag", Storage.LOCAL);
    int schemaId = RawTrades.topic(TOPIC, Exchange.BINANCE);
    RawTrades.send(RawTrades.binance(TOPIC, schemaId, 1, 100, Instant.now()));
    Pipeline.bronzeCaughtUp(lake, Exchange.BINANCE, TOPIC, 100_000);
    Pipeline.silverCaughtUp(lake, Exchange.BINANCE);
    Pipeline.goldDrained(lake);
    Reconciliation.Result caughtUp = reconcile(lake, lake.checkpointRoot());
    assertTrue(caughtUp.ok(), caughtUp.toString());
    assertEquals(0, caughtUp.of(Exchange.BINANCE).behind().rows());
    assertEquals(0, caughtUp.gold().behind().rows());

    // 50 more trades in bronze that silver has not read: behind, not missing.
    RawTrades.send(RawTrades.binance(TOPIC, schemaId, 101, 50, Instant.now()));
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

    Pipeline.goldDrained(lake);
    Reconciliation.Result done = reconcile(lake, lake.checkpointRoot());
    assertTrue(done.ok(), done.toString());
    assertEquals(150, done.gold().goldRows());
    assertEquals(0, done.gold().behind().rows());
    rowsBehind(lake, Tables.silverName(Exchange.BINANCE)).forEach((query, rows) -> assertEquals(0L, rows, query));
  }

  private static Map<String, Long> rowsBehind(Lake lake, String table) {
    return StreamingReaders.under(lake.checkpointRoot(), TestLake.spark().sparkContext().hadoopConfiguration())
        .rowsBehind(new LakeCatalog(TestLake.spark(), lake.config()).require(table));
  }

  private static Reconciliation.Result reconcile(Lake lake, String checkpointRoot) {
    return Reconciliation.run(TestLake.spark(), lake.config(), List.of(Exchange.BINANCE), null, null, checkpointRoot);
  }
}
