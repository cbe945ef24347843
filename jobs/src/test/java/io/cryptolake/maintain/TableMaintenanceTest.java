package io.cryptolake.maintain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.bronze.BronzeConfig;
import io.cryptolake.bronze.BronzeStream;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.Tables;
import io.cryptolake.localstack.TopicReader;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import io.cryptolake.silver.SilverStream;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.Produced;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import io.cryptolake.testing.TestLake;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

class TableMaintenanceTest {
  private static final String HAND = "hand-made";

  @Test
  void retentionDeletesExactlyTheOldRowsAndCompactionKeepsEveryOtherRowWhileBronzeAppends() throws Exception {
    Lake lake = TestLake.lake("maintain", Storage.LOCAL);
    String table = lake.config().qualified(Tables.bronzeName(Exchange.BINANCE));
    new LakeCatalog(TestLake.spark(), lake.config()).ensure(Tables.bronze(Exchange.BINANCE));
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    int[] ages = {0, 3, 7, 8, 30};
    long offset = 0;
    for (int batch = 0; batch < 4; batch++) {
      List<Row> rows = new ArrayList<>();
      for (int age : ages) {
        for (int i = 0; i < 25; i++) {
          rows.add(handRow(offset++, today.minusDays(age)));
        }
      }
      TestLake.spark().createDataFrame(rows, TestLake.spark().table(table).schema()).writeTo(table).append();
    }
    Map<String, String> keptBefore = handRows(table, "ingestion_date >= DATE '" + today.minusDays(7) + "'");
    assertEquals(4 * 3 * 25, keptBefore.size());

    // A bronze stream keeps appending to the same table while maintenance runs.
    String topic = "maintain.binance";
    CompletableFuture<Manifest> producing = CompletableFuture.supplyAsync(() -> Produced.send(
        Produced.config(Map.of(Exchange.BINANCE, topic)).withExchanges(List.of(Exchange.BINANCE)).withCount(3_000)
            .withRate(600)));
    StreamingQuery bronze = BronzeStream.start(TestLake.spark(), lake.config(), new BronzeConfig(Exchange.BINANCE,
        TestLake.servers().config().kafkaBootstrap(), topic, "earliest", 200, true, lake.stream("300ms")));

    List<TableMaintenance.TableReport> reports = TableMaintenance.run(TestLake.spark(), lake.config(),
        new MaintainOptions(List.of(Exchange.BINANCE), Map.of(), null, java.time.Duration.ofDays(1), 100, true, 2,
            java.time.Duration.ofDays(3), null, List.of()));

    producing.join();
    bronze.processAllAvailable();
    bronze.stop();

    TableMaintenance.TableReport report = reports.stream().filter(r -> r.table().equals(table)).findFirst().orElseThrow();
    assertEquals(4 * 2 * 25, report.rowsDeleted(), "rows of 8 and 30 days ago, and nothing else");
    // The days only hand-made rows have (the stream writes today's partition while compaction runs): four
    // appends made four files in each; compaction leaves one.
    for (LocalDate day : List.of(today.minusDays(3), today.minusDays(7))) {
      assertEquals(1L, TestLake.spark().sql("SELECT count(*) FROM " + table + ".files WHERE partition.ingestion_date"
          + " = DATE '" + day + "'").first().getLong(0), "files of " + day + " after compaction: " + report);
    }
    assertEquals(0, TestLake.spark().table(table).where("kafka_topic = '" + HAND + "' AND ingestion_date < DATE '"
        + today.minusDays(7) + "'").count());
    assertEquals(keptBefore, handRows(table, "true"), "every kept row is identical after compaction");
    long streamed = TestLake.spark().table(table).where("kafka_topic = '" + topic + "'").count();
    assertEquals(TopicReader.recordCount(TestLake.servers().config().kafkaBootstrap(), topic), streamed,
        "the stream lost nothing and doubled nothing while maintenance ran");
    assertEquals(streamed, TestLake.spark().table(table).where("kafka_topic = '" + topic + "'")
        .select("kafka_partition", "kafka_offset").distinct().count());
  }

  /** DLQ rows older than the archive age move to the archive once, with every column; younger ones stay. */
  @Test
  void oldDlqRowsMoveToTheArchiveOnce() throws Exception {
    Lake lake = TestLake.lake("maintain_archive", Storage.LOCAL);
    new LakeCatalog(TestLake.spark(), lake.config()).ensure(Tables.dlq());
    String dlq = lake.config().qualified(Tables.DLQ);
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    List<Row> rows = new ArrayList<>();
    int[] ages = {0, 29, 30, 31, 60};
    for (int i = 0; i < ages.length * 10; i++) {
      LocalDate day = today.minusDays(ages[i % ages.length]);
      Timestamp at = Timestamp.from(day.atStartOfDay(ZoneOffset.UTC).toInstant());
      rows.add(RowFactory.create(new byte[] {1, (byte) i}, "price_not_numeric", List.of("price_not_numeric"),
          "price_validation", at, "bronze_binance_trades", "t", 0, (long) i, 3, Date.valueOf(day), 0, null, null, at,
          at));
    }
    TestLake.spark().createDataFrame(rows, TestLake.spark().table(dlq).schema()).writeTo(dlq).append();
    MaintainOptions archiveAfter30 = new MaintainOptions(List.of(Exchange.BINANCE), Map.of(), 30,
        java.time.Duration.ofDays(1), 100, false, 5, java.time.Duration.ofDays(3), null, List.of());

    List<TableMaintenance.TableReport> first = TableMaintenance.run(TestLake.spark(), lake.config(), archiveAfter30);
    String archive = lake.config().qualified(Tables.DLQ_ARCHIVE);
    assertEquals(20, first.stream().filter(r -> r.table().equals(dlq)).findFirst().orElseThrow().rowsArchived(),
        "31 and 60 days old: 10 rows each");
    assertEquals(30, TestLake.spark().table(dlq).count(), "0, 29 and 30 days old stay");
    assertEquals(20, TestLake.spark().table(archive).where("dlq_date < DATE '" + today.minusDays(30) + "'").count());
    assertEquals(TestLake.spark().table(archive).count(),
        TestLake.spark().table(archive).select("kafka_offset").distinct().count());

    TableMaintenance.run(TestLake.spark(), lake.config(), archiveAfter30);
    assertEquals(20, TestLake.spark().table(archive).count(), "a second run archives nothing twice");
  }

  /**
   * A silver job stopped behind bronze: maintenance that would expire every snapshot and delete every bronze
   * row keeps the snapshots and rows silver has not read, says so, and silver resumes with every record.
   */
  @Test
  void maintenanceNeverRemovesWhatAStoppedReaderHasNotRead() throws Exception {
    // Per send: bronze reads it in batches of 100, so silver's last snapshot read is one of several.
    int perSend = 250;
    Lake lake = TestLake.lake("maintain_readers", Storage.LOCAL);
    String topic = "maintain_readers.binance";
    var config = Produced.config(Map.of(Exchange.BINANCE, topic)).withExchanges(List.of(Exchange.BINANCE))
        .withCount(perSend).withFaults(Map.of());
    Produced.send(config.withSeed(1));
    Pipeline.bronzeCaughtUp(lake, Exchange.BINANCE, topic, 100);
    StreamingQuery silver = SilverStream.start(TestLake.spark(), lake.config(), Pipeline.silver(lake, Exchange.BINANCE));
    silver.processAllAvailable();
    silver.stop();
    // Silver stops; bronze goes on.
    Produced.send(config.withSeed(2));
    Pipeline.bronzeCaughtUp(lake, Exchange.BINANCE, topic, 100);

    String bronze = Tables.bronzeName(Exchange.BINANCE);
    MaintainOptions everything = new MaintainOptions(List.of(Exchange.BINANCE), Map.of(bronze, -1), null,
        java.time.Duration.ZERO, 1, false, 5, java.time.Duration.ofDays(3), lake.checkpointRoot(), List.of(bronze));
    List<TableMaintenance.TableReport> reports = TableMaintenance.run(TestLake.spark(), lake.config(), everything);
    assertEquals(List.of(lake.config().qualified(bronze)), reports.stream().map(TableMaintenance.TableReport::table)
        .toList(), "only the table asked for (silver and the DLQ exist too)");
    TableMaintenance.TableReport report = reports.get(0);
    assertTrue(report.heldBack() != null && report.heldBack().contains("silver-binance"), report.toString());
    assertTrue(report.rowsDeleted() > 0 && report.rowsDeleted() < perSend, "only rows silver had read: " + report);

    silver = SilverStream.start(TestLake.spark(), lake.config(), Pipeline.silver(lake, Exchange.BINANCE));
    silver.processAllAvailable();
    silver.stop();
    long kafka = TopicReader.recordCount(TestLake.servers().config().kafkaBootstrap(), topic);
    String silverTable = lake.config().qualified(Tables.silverName(Exchange.BINANCE));
    assertEquals(kafka, TestLake.spark().table(silverTable).count(), "silver has every record once");
    assertEquals(kafka, TestLake.spark().table(silverTable).select("kafka_partition", "kafka_offset").distinct().count());
  }

  private static Row handRow(long offset, LocalDate day) {
    Instant at = day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(offset);
    return RowFactory.create(("payload-" + offset).getBytes(), "BTCUSDT", HAND, 0, offset, Timestamp.from(at),
        Timestamp.from(at), Date.valueOf(day));
  }

  /** The hand-made rows, offset to their content. */
  private static Map<String, String> handRows(String table, String where) {
    Map<String, String> rows = new TreeMap<>();
    for (Row r : TestLake.spark().table(table).where("kafka_topic = '" + HAND + "' AND " + where).collectAsList()) {
      rows.put(String.valueOf((Long) r.getAs("kafka_offset")), Arrays.toString((byte[]) r.getAs("raw_bytes")) + " "
          + r.getAs("kafka_timestamp") + " " + r.getAs("ingestion_date"));
    }
    return rows;
  }
}
