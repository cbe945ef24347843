package io.cryptolake.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.lake.Tables;
import io.cryptolake.maintain.MaintainOptions;
import io.cryptolake.maintain.TableMaintenance;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.RawTrades;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Reconcile on a lake older than its retentions: DLQ rows moved to the archive, bronze rows gone after 7 days,
 * silver rows gone after 30 days of trade time while gold keeps them. Each table is compared within what it
 * keeps, and maintenance never deletes a silver row whose bronze row may still exist.
 */
class ReconcileWindowsTest {

  @Test
  void anOldLakeReconcilesWithinWhatEachTableKeeps() throws Exception {
    Lake lake = TestLake.lake("reconcile_old", Storage.LOCAL);
    String topic = "reconcile_old.binance";
    int schemaId = RawTrades.topic(topic, Exchange.BINANCE);
    Instant now = Instant.now();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    records.addAll(RawTrades.binance(topic, schemaId, 1, 100, now.minus(Duration.ofDays(40))));
    records.addAll(RawTrades.binance(topic, schemaId, 1_000, 100, now.minus(Duration.ofHours(1))));
    for (int i = 0; i < 20; i++) {
      records.add(new ProducerRecord<>(topic, "BTCUSDT".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}));
    }
    RawTrades.send(records);
    Pipeline.bronzeCaughtUp(lake, Exchange.BINANCE, topic, 100_000);
    Pipeline.silverCaughtUp(lake, Exchange.BINANCE);
    Pipeline.goldDrained(lake);
    assertTrue(reconcile(lake).ok());

    // Maintenance with silver's retention at nothing and every DLQ row archived: silver keeps every row, since
    // each one's bronze row still exists; the archived rows still account for their bronze rows.
    String silverTable = Tables.silverName(Exchange.BINANCE);
    List<TableMaintenance.TableReport> reports = TableMaintenance.run(TestLake.spark(), lake.config(),
        new MaintainOptions(List.of(Exchange.BINANCE), Map.of(silverTable, -1), -1, Duration.ofDays(1), 100, false,
            5, Duration.ofDays(3), lake.checkpointRoot(), List.of()));
    assertEquals(0, reports.stream().filter(r -> r.table().equals(lake.config().qualified(silverTable)))
        .findFirst().orElseThrow().rowsDeleted());
    assertEquals(200, Pipeline.count(lake, silverTable));
    assertEquals(0, Pipeline.count(lake, Tables.DLQ));
    assertEquals(20, Pipeline.count(lake, Tables.DLQ_ARCHIVE));
    Reconciliation.Result archived = reconcile(lake);
    assertTrue(archived.ok(), archived.toString());
    assertEquals(20, archived.of(Exchange.BINANCE).dlq());

    // Weeks later: bronze's rows are past its 7 days, silver's 40-day-old trades past its 30. Gold keeps them.
    TestLake.spark().sql("DELETE FROM " + lake.config().qualified(Tables.bronzeName(Exchange.BINANCE)));
    TestLake.spark().sql("DELETE FROM " + lake.config().qualified(silverTable) + " WHERE timestamp < TIMESTAMP '"
        + LocalDate.now(ZoneOffset.UTC).minusDays(30) + " 00:00:00'");
    assertEquals(100, Pipeline.count(lake, silverTable));
    Reconciliation.Result old = reconcile(lake);
    assertTrue(old.ok(), old.toString());
    assertEquals(LocalDate.now(ZoneOffset.UTC).minusDays(30), old.gold().comparedFrom());
    assertEquals(100, old.gold().silverKeys());
    assertEquals(0, old.gold().extra());
    assertEquals(200, Pipeline.count(lake, Tables.GOLD));
  }

  private static Reconciliation.Result reconcile(Lake lake) {
    return Reconciliation.run(TestLake.spark(), lake.config(), List.of(Exchange.BINANCE), null, null);
  }
}
