package io.cryptolake.proof.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The chaos and soak reports count restarts from the lines QuerySupervisor writes; they must keep matching. */
class SupervisedRestartsTest {

  @Test
  void readsTheSupervisorsLines(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("silver-binance.log"), List.of(
        "2026-11-30 17:18:00.293 INFO  [main] JobRunner - silver-binance starting; SIGTERM stops it after the current batch",
        "2026-11-30 17:18:30.294 WARN  [query-supervisor] QuerySupervisor - silver-binance failed: the S3 API at "
            + "http://127.0.0.1:9000 does not answer (for 12 s); the Schema Registry at http://x does not answer "
            + "(for 3 s); restarting from its checkpoint in 4 s (restart 2 in a row)",
        "2026-11-30 17:19:30.294 ERROR [query-supervisor] QuerySupervisor - silver-binance cannot run as configured, "
            + "and a restart would fail the same way; giving up: AnalysisException: [TABLE_OR_VIEW_NOT_FOUND]"));
    List<SupervisedRestarts.Restart> restarts = SupervisedRestarts.read(
        Map.of("silver-binance", dir.resolve("silver-binance.log"), "gold", dir.resolve("gold.log")));
    assertEquals(2, restarts.size());
    assertEquals("the S3 API at http://127.0.0.1:9000 does not answer (for 12 s); the Schema Registry at http://x "
        + "does not answer (for 3 s)", restarts.get(0).cause());
    assertEquals(List.of(false, true), restarts.stream().map(SupervisedRestarts.Restart::gaveUp).toList());
  }
}
