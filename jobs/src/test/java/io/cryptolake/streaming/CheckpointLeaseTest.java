package io.cryptolake.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.cli.ConfigError;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import io.cryptolake.testing.TestLake;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue 13.4: a second copy of a job refuses to start while the first holds its checkpoint; a copy killed with
 * kill -9 does not block a restart on its host, and from another host its lease expires. On S3, as deployed.
 */
class CheckpointLeaseTest {
  private static final Duration TTL = Duration.ofSeconds(3);
  private static final Duration RENEW = Duration.ofMillis(500);
  private static final Duration DYING = Duration.ofSeconds(1);

  @Test
  void oneLiveCopyPerCheckpoint() throws Exception {
    Lake lake = TestLake.lake("lease", Storage.S3);
    String checkpoint = lake.checkpointRoot() + "/gold";
    Configuration hadoop = TestLake.spark().sparkContext().hadoopConfiguration();
    AtomicInteger lost = new AtomicInteger();
    Configuration unchecked = new Configuration(hadoop);
    unchecked.set("fs.s3a.change.detection.mode", "none");  // as the lease reads it: the renewer rewrites it
    FileSystem fs = FileSystem.newInstance(new org.apache.hadoop.fs.Path(checkpoint).toUri(), unchecked);
    org.apache.hadoop.fs.Path file = new org.apache.hadoop.fs.Path(checkpoint, CheckpointLease.FILE);

    CheckpointLease first = acquire(checkpoint, hadoop, lost);
    long taken = CheckpointLease.read(fs, file).orElseThrow().renewedAtMillis();
    ConfigError second = assertThrows(ConfigError.class, () -> acquire(checkpoint, hadoop, lost));
    assertTrue(second.getMessage().startsWith("already running: the checkpoint " + checkpoint
        + " of gold is held by pid " + ProcessHandle.current().pid() + " on "), second.getMessage());
    Awaitility.await().atMost(Duration.ofMinutes(1)).until(
        () -> CheckpointLease.read(fs, file).orElseThrow().renewedAtMillis() > taken + TTL.toMillis());
    assertThrows(ConfigError.class, () -> acquire(checkpoint, hadoop, lost), "renewed, so still held after the TTL");
    first.close();
    acquire(checkpoint, hadoop, lost).close();

    // kill -9 on this host: the lease names a process that has ended; a restart takes it over at once.
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor();
    String host = InetAddress.getLocalHost().getHostName();
    CheckpointLease.write(fs, file, new CheckpointLease.Holder("killed", host, ended.pid(), System.currentTimeMillis()));
    // With an hour's TTL: only the ended process, not the lease's age, can let this restart through.
    CheckpointLease.acquire(checkpoint, hadoop, "gold", lost::incrementAndGet, Duration.ofHours(1), RENEW, DYING)
        .close();

    // kill -9 on another host: its lease is fresh and never renewed again, so it expires and is taken over.
    CheckpointLease.write(fs, file, new CheckpointLease.Holder("elsewhere", "another-host", 1, System.currentTimeMillis()));
    CheckpointLease afterExpiry = acquire(checkpoint, hadoop, lost);
    assertEquals(host, CheckpointLease.read(fs, file).orElseThrow().host());

    // A copy that stalled past the TTL finds its lease taken over and is told to stop.
    CheckpointLease.write(fs, file, new CheckpointLease.Holder("usurper", "another-host", 1, System.currentTimeMillis()));
    Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> lost.get() == 1);
    afterExpiry.close();
    assertEquals("usurper", CheckpointLease.read(fs, file).orElseThrow().id(), "close leaves another's lease alone");
  }

  /**
   * The one application takes five leases at start: one S3 file system (and S3 client) for all of them, not one
   * each; giving one lease up leaves the others held and their store open.
   */
  @Test
  void theLeasesOfOneApplicationShareOneFileSystem() throws Exception {
    Lake lake = TestLake.lake("lease_shared", Storage.S3);
    Configuration hadoop = TestLake.spark().sparkContext().hadoopConfiguration();
    List<String> jobs = List.of("bronze-binance", "bronze-kraken", "silver-binance", "silver-kraken", "gold");
    try (LeaseStore store = new LeaseStore(hadoop)) {
      List<CheckpointLease> leases = new ArrayList<>();
      for (String job : jobs) {
        leases.add(CheckpointLease.acquire(lake.checkpointRoot() + "/" + job, store, job, () -> { }));
      }
      assertEquals(1, store.openFileSystems());
      leases.get(0).close();
      String freed = lake.checkpointRoot() + "/" + jobs.get(0);
      FileSystem fs = store.fileSystem(new org.apache.hadoop.fs.Path(freed));
      assertTrue(CheckpointLease.read(fs, new org.apache.hadoop.fs.Path(freed, CheckpointLease.FILE)).isEmpty(),
          "the lease given up is gone");
      for (String job : jobs.subList(1, jobs.size())) {
        ConfigError refused = assertThrows(ConfigError.class, () -> CheckpointLease.acquire(
            lake.checkpointRoot() + "/" + job, hadoop, job, () -> { }, Duration.ofMinutes(1), RENEW, DYING), job);
        assertTrue(refused.getMessage().startsWith("already running: the checkpoint "), refused.getMessage());
      }
      assertEquals(1, store.openFileSystems());
      leases.subList(1, leases.size()).forEach(CheckpointLease::close);
    }
  }

  /**
   * A lease on a local checkpoint (the default root, data/checkpoints) is rewritten in place at each renewal: a
   * second copy that read it in the middle of a rewrite saw an empty file, took it for "no holder" and took
   * the lease over from a live copy (found running the one-application pipeline beside a silver job in one
   * JVM). Renewed every few milliseconds here, so nearly every read of the second copy meets a rewrite.
   */
  @Test
  void aLeaseBeingRenewedIsNeverTakenForAFreeOne() throws Exception {
    Lake lake = TestLake.lake("lease_local", Storage.LOCAL);
    String checkpoint = lake.checkpointRoot() + "/silver-binance";
    Configuration hadoop = TestLake.spark().sparkContext().hadoopConfiguration();
    AtomicInteger lost = new AtomicInteger();
    try (CheckpointLease first = CheckpointLease.acquire(checkpoint, hadoop, "silver-binance", lost::incrementAndGet,
        Duration.ofMinutes(1), Duration.ofMillis(2), DYING)) {
      for (int attempt = 0; attempt < 5; attempt++) {
        ConfigError refused = assertThrows(ConfigError.class, () -> CheckpointLease.acquire(checkpoint, hadoop,
            "silver-binance", lost::incrementAndGet, Duration.ofMinutes(1), Duration.ofSeconds(10), DYING),
            "attempt " + attempt + " took a live copy's lease");
        assertTrue(refused.getMessage().startsWith("already running"), refused.getMessage());
      }
      assertEquals(0, lost.get(), "the first copy kept its lease");
    }
  }

  private static CheckpointLease acquire(String checkpoint, Configuration hadoop, AtomicInteger lost) {
    return CheckpointLease.acquire(checkpoint, hadoop, "gold", lost::incrementAndGet, TTL, RENEW, DYING);
  }
}
