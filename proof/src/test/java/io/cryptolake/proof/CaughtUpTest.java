package io.cryptolake.proof;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** When a job's published metrics count as caught up (what chaos, soak and bench wait for). */
class CaughtUpTest {
  @Test
  void aDriverRestartedAfterItsJobReadEverythingIsCaughtUpOnceItFindsNothingToRead() {
    // The chaos run's last kill -9 can land after bronze has read every record: the new driver reads none.
    assertTrue(LocalCluster.idleAndUpToDate(Map.of("records_in", 0.0, "empty_batches", 0.0, "idle_triggers", 2.0,
        "offsets_behind_latest", 0.0, "queries_with_data", 0.0)));
    assertTrue(LocalCluster.idleAndUpToDate(Map.of("records_in", 0.0, "empty_batches", 1.0)));
    assertTrue(LocalCluster.idleAndUpToDate(Map.of("records_in", 120.0, "empty_batches", 0.0)));
  }

  @Test
  void aJobIsNotCaughtUpBeforeItsFirstTriggerEndsNorWithDataLeft() {
    assertFalse(LocalCluster.idleAndUpToDate(Map.of()), "no answer");
    assertFalse(LocalCluster.idleAndUpToDate(Map.of("records_in", 0.0, "empty_batches", 0.0, "idle_triggers", 0.0)),
        "first batch running");
    assertFalse(LocalCluster.idleAndUpToDate(Map.of("records_in", 5.0, "offsets_behind_latest", 3.0)));
    assertFalse(LocalCluster.idleAndUpToDate(Map.of("records_in", 5.0, "queries_with_data", 1.0)));
  }
}
