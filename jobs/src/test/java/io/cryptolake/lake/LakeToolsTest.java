package io.cryptolake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.schemas.Exchange;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.RawTrades;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Issue 13.5: SQL on the lake and a table's history, on a lake bronze and silver wrote. */
class LakeToolsTest {

  @Test
  void sqlOnTheLakeAndWhatWroteEachSnapshot() throws Exception {
    Lake lake = TestLake.lake("lake_tools", Storage.S3);
    String topic = "lake_tools.binance";
    int schemaId = RawTrades.topic(topic, Exchange.BINANCE);
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(RawTrades.binance(topic, schemaId, 1, 40,
        Instant.now()));
    records.add(new ProducerRecord<>(topic, "BTCUSDT".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3}));
    RawTrades.send(records);
    Pipeline.bronzeCaughtUp(lake, Exchange.BINANCE, topic, 100_000);
    Pipeline.silverCaughtUp(lake, Exchange.BINANCE);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    SqlConsole console = new SqlConsole(TestLake.spark(), lake.config(), 3, new PrintStream(out, true));
    // Unqualified names: the lake's namespace is current. A ';' inside quotes does not end a statement.
    assertTrue(console.runAll("SELECT count(*) AS trades FROM silver_binance_trades;\n"
        + "SELECT error_reason, count(*) AS n FROM silver_dlq_trades WHERE error_reason <> 'a;b' GROUP BY 1",
        new PrintStream(err, true)), err.toString());
    assertEquals(List.of("trades", "------", "40", "(1 row)", "error_reason         n", "-------------------  -",
        "invalid_wire_format  1", "(1 row)"), out.toString().lines().toList());

    out.reset();
    assertTrue(console.runAll("SELECT trade_id FROM silver_binance_trades ORDER BY trade_id", new PrintStream(err)));
    assertEquals(List.of("trade_id", "----------", "BINANCE-1", "BINANCE-10", "BINANCE-11", "(3 rows)",
        "(the first 3 rows; --max-rows shows more)"), out.toString().lines().toList());

    // Interactive: a statement over several lines, a failing one reported in one line, the session goes on.
    out.reset();
    err.reset();
    boolean allOk = console.interactive(new BufferedReader(new StringReader(
        "SELECT count(*)\n  AS n FROM bronze_binance_trades;\nSELECT nope FROM nowhere;\nSELECT 1 AS one")),
        false, new PrintStream(err, true));
    assertFalse(allOk);
    assertEquals(List.of("n", "--", "41", "(1 row)", "one", "---", "1", "(1 row)"), out.toString().lines().toList());
    assertEquals(1, err.toString().lines().count(), err.toString());
    assertTrue(err.toString().startsWith("error: [TABLE_OR_VIEW_NOT_FOUND]"), err.toString());

    // History: the writer and batch of each commit, from the jobs' commit markers.
    LakeCatalog catalog = new LakeCatalog(TestLake.spark(), lake.config());
    out.reset();
    TableHistory.print("silver", catalog.require(Tables.silverName(Exchange.BINANCE)), 20, new PrintStream(out, true));
    List<String> silverLines = out.toString().lines().toList();
    assertTrue(silverLines.get(0).startsWith("silver: 40 rows in 1 data files, "), silverLines.get(0));
    assertTrue(silverLines.get(0).endsWith("; 1 snapshots"), silverLines.get(0));
    assertTrue(silverLines.get(2).matches(".*  append     silver-binance:[0-9a-f]{8}\\s+0\\s+40\\s+-\\s+40\\s+.*"),
        silverLines.get(2));
    out.reset();
    TableHistory.print("bronze", catalog.require(Tables.bronzeName(Exchange.BINANCE)), 20, new PrintStream(out, true));
    List<String> bronzeLines = out.toString().lines().toList();
    assertTrue(bronzeLines.get(0).startsWith("bronze: 41 rows in "), bronzeLines.get(0));
    assertTrue(bronzeLines.get(2).matches(".*  append     bronze-binance:[0-9a-f]{8}\\s+0\\s+41\\s+-\\s+41\\s+.*"),
        bronzeLines.get(2));
    assertEquals("1.5 KB", TableHistory.bytes("1536"));
  }
}
