package io.cryptolake.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.schemas.Exchange;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `make run` as a user runs it: own servers, own data directory, a summary that accounts for every record. */
class EmbeddedPipelineTest {
  @TempDir Path dataDir;

  @Test
  void theEmbeddedRunAccountsForEveryRecordAndSaysWhereTheDataIs() throws Exception {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    RunReport report = new EmbeddedPipeline(new EmbeddedOptions(1_500, 0.1, 5, dataDir),
        new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
    String summary = printed.toString(StandardCharsets.UTF_8);

    assertTrue(report.ok(), summary);
    for (Exchange exchange : Exchange.values()) {
      assertEquals(1_500L, report.kafkaRecords().get(exchange));
      assertEquals(1_500L, report.bronzeRows().get(exchange));
      assertEquals(report.manifest().exchanges().get(exchange.id()).valid(), report.silverRows().get(exchange));
    }
    assertEquals(report.manifest().expectedDlqReasons(), report.reconcile().dlqByReason());
    assertTrue(summary.contains("Result: OK, every record accounted for"), summary);
    assertTrue(summary.contains("reconcile: PASS"), summary);
    assertEquals(report.goldRows(), report.latency().rows(), "every gold row has a commit time");
    assertTrue(report.latency().p50() > 0 && report.latency().p50() <= report.latency().p99()
        && report.latency().p99() <= report.latency().max(), report.latency().summary());
    assertTrue(summary.contains("end-to-end latency      p50 "), summary);
    assertTrue(summary.contains(dataDir.resolve("manifest.json").toString()), summary);
    assertEquals(0, ProcessHandle.current().children().count(), "the run stops every server it started");
  }
}
