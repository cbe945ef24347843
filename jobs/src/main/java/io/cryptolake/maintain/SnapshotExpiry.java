package io.cryptolake.maintain;

import io.cryptolake.lake.BatchCommits;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.streaming.StreamingReaders;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of a table's snapshots may be expired, and the streaming jobs' own expiry of the tables they write.
 *
 * <p>A table keeps its snapshots for its {@code history.expire.max-snapshot-age-ms} (Iceberg's own property;
 * {@link Tables#SNAPSHOT_AGE} where a table does not have it), and longer where a job still needs them: from
 * the oldest snapshot a streaming query under the checkpoint root has not read past, and from the newest commit
 * of every writer whose query has its checkpoint there ({@link BatchCommits#alreadyCommitted} looks for it after
 * a restart), every snapshot is kept. The cut is made a minute earlier than such a snapshot, so a committing
 * host's clock a little behind another's cannot break the chain of ancestors those checks walk.
 *
 * <p>Why the jobs expire their own tables, every 10 minutes by default ({@link #every}), to an hour: each commit
 * writes the table's whole metadata file and each batch reads it several times, and that file grows by 1.6-2 KB
 * per snapshot. Without an expiry it grows for as long as the jobs run (a month on a 10 s trigger: 260,000
 * snapshots, over 400 MB, in every driver's heap several times). A day's worth (silver 8,640 snapshots, 11 MB; the
 * DLQ, written by both silvers, 17,280, 31 MB) made each append 0.5-1.2 s slower and each load 0.1-0.3 s; an
 * hour's, 360, as fast as a new table (docs/benchmarks.md, round 26).
 */
public final class SnapshotExpiry {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotExpiry.class);
  /** How far before a snapshot that must stay the cut is made: clocks of different hosts may differ. */
  static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);
  /** Snapshots always kept (maintain's --retain-last default too). */
  public static final int RETAIN_LAST = 100;

  private SnapshotExpiry() {}

  /** Snapshots committed before {@code millis} may go; {@code heldBy} says what kept older ones, null if nothing. */
  public record Cutoff(long millis, String heldBy) {}

  /** The table's snapshot age: its property, else the lake's default. */
  public static Duration age(Table table) {
    String millis = table.properties().get(TableProperties.MAX_SNAPSHOT_AGE_MS);
    return millis == null ? Tables.SNAPSHOT_AGE : Duration.ofMillis(Long.parseLong(millis));
  }

  /** Where the table's snapshots may be cut: {@code olderThan} ago (null: the table's age), or earlier if held. */
  public static Cutoff cutoff(Table table, Duration olderThan, StreamingReaders readers, Instant now) {
    return cutoff(table, olderThan, readers, now, CLOCK_MARGIN);
  }

  static Cutoff cutoff(Table table, Duration olderThan, StreamingReaders readers, Instant now, Duration margin) {
    long cutoff = now.minus(olderThan == null ? age(table) : olderThan).toEpochMilli();
    String heldBy = null;
    Optional<StreamingReaders.Held> read = readers.oldestNeeded(table);
    if (read.isPresent() && read.get().snapshot().timestampMillis() - margin.toMillis() < cutoff) {
      cutoff = read.get().snapshot().timestampMillis() - margin.toMillis();
      heldBy = "snapshots from " + Instant.ofEpochMilli(read.get().snapshot().timestampMillis()) + " kept: "
          + read.get().query() + " has not read past them";
    }
    for (BatchCommits.LatestCommit latest : BatchCommits.latestCommits(table)) {
      long at = latest.snapshot().timestampMillis();
      if (readers.hasCheckpoint(latest.commit().queryId()) && at - margin.toMillis() < cutoff) {
        cutoff = at - margin.toMillis();
        heldBy = "snapshots from " + Instant.ofEpochMilli(at) + " kept: " + latest.commit().writer()
            + " committed its latest batch there";
      }
    }
    return new Cutoff(cutoff, heldBy);
  }

  /** What one expiry did: snapshots expired and kept, and where it cut. */
  public record Expired(int expired, int kept, Cutoff cutoff) {}

  /**
   * Expires what may go of one table with Iceberg's API, on this JVM (a streaming job's few snapshots since its
   * last run; maintain uses Spark's procedure).
   */
  public static Expired expire(Table table, StreamingReaders readers) {
    return expire(table, readers, CLOCK_MARGIN, RETAIN_LAST);
  }

  static Expired expire(Table table, StreamingReaders readers, Duration margin, int retainLast) {
    long start = System.nanoTime();
    table.refresh();
    int before = count(table);
    Cutoff cutoff = cutoff(table, null, readers, Instant.now(), margin);
    table.expireSnapshots().expireOlderThan(cutoff.millis()).retainLast(retainLast).commit();
    table.refresh();
    Expired expired = new Expired(before - count(table), count(table), cutoff);
    LOG.info("snapshot expiry: {}: {} expired, {} kept in {} ms{}", table.name(), expired.expired(), expired.kept(),
        (System.nanoTime() - start) / 1_000_000, cutoff.heldBy() == null ? "" : "; " + cutoff.heldBy());
    return expired;
  }

  private static int count(Table table) {
    int n = 0;
    for (Snapshot ignored : table.snapshots()) {
      n++;
    }
    return n;
  }

  /**
   * Expires the snapshots of {@code tables} every {@code interval}, beside a job's queries, until closed. The
   * readers and writers that hold snapshots back are those with checkpoints under {@code checkpointRoot}. A run
   * that fails is logged and tried again one interval later: old snapshots cost time, not correctness.
   */
  public static AutoCloseable every(Duration interval, SparkSession spark, LakeConfig lake, String checkpointRoot,
      Collection<String> tables) {
    List<String> names = new ArrayList<>(tables);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "snapshot-expiry");
      thread.setDaemon(true);
      return thread;
    });
    scheduler.scheduleWithFixedDelay(() -> expireAll(spark, lake, checkpointRoot, names), interval.toMillis(),
        interval.toMillis(), TimeUnit.MILLISECONDS);
    return scheduler::shutdownNow;
  }

  private static void expireAll(SparkSession spark, LakeConfig lake, String checkpointRoot, List<String> tables) {
    try {
      LakeCatalog catalog = new LakeCatalog(spark, lake);
      StreamingReaders readers = StreamingReaders.under(checkpointRoot, spark.sparkContext().hadoopConfiguration());
      for (String name : tables) {
        if (catalog.exists(name)) {
          expire(catalog.load(name), readers);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("snapshot expiry failed; next try in one interval: {}", e.toString());
    }
  }
}
