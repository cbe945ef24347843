package io.cryptolake.lake;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.exceptions.DuplicateWAPCommitException;
import org.apache.iceberg.spark.SparkSQLProperties;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Idempotent appends from a micro-batch: each commit records its writer (job name and streaming query id)
 * and batch id in the Iceberg snapshot summary, and a batch that a table already has is not appended again.
 * This is what lets a job write two tables per batch and survive a crash between the two writes. The check
 * holds at commit time too: the rows are written as a staged snapshot under an id made of writer and batch
 * (Iceberg's write-audit-publish), then published by a cherry-pick, which Iceberg refuses, atomically with the
 * commit, once a snapshot with that id is in the table: a second copy of a job that got past its checkpoint
 * lease (one that stalled for longer than the lease) cannot add a batch twice.
 */
public final class BatchCommits {
  private static final Logger LOG = LoggerFactory.getLogger(BatchCommits.class);
  /** Spark sets this local property on the thread that runs a streaming query's batches. */
  private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";
  private static final String BATCH_SEPARATOR = "@";
  /** On a staged write: which attempt made it (copies of a job stage a batch under the same id). */
  private static final String STAGE_ATTEMPT = "cryptolake.stage-attempt";

  private BatchCommits() {}

  /**
   * Looks at a batch's snapshot before it is published (or, on a table that did not stage it, just after it was
   * committed): a writer that must check what it wrote against the table, or record something first, does it
   * here; an exception leaves the staged snapshot unpublished.
   */
  @FunctionalInterface
  public interface BeforePublish {
    BeforePublish NOTHING = staged -> {};

    void check(Snapshot staged) throws Exception;
  }

  /**
   * The writer id of a job's micro-batch: the job name and its streaming query id, which stays the same across
   * restarts from one checkpoint and changes with a new checkpoint (whose batch ids start again at 0).
   */
  public static String writer(String job, Dataset<Row> batch) {
    return job + ":" + batch.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
  }

  /** True when the table's history already has this writer's commit of this batch (or a later one). */
  public static boolean alreadyCommitted(Table table, String writer, long batchId) {
    table.refresh();
    if (table.currentSnapshot() == null) {
      return false;
    }
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      Optional<Commit> commit = commitOf(snapshot);
      if (commit.isPresent() && commit.get().writer().equals(writer)) {
        return commit.get().batchId() >= batchId;
      }
    }
    return false;
  }

  /** A writer's commit of one micro-batch, as its snapshot's summary records it. */
  public record Commit(String writer, long batchId) {
    /** The streaming query id part of the writer id. */
    public String queryId() {
      return writer.substring(writer.lastIndexOf(':') + 1);
    }
  }

  /**
   * The micro-batch commit a snapshot holds, if this class made it. Other commits may name their writer without a
   * batch (the DLQ replay's); they hold none.
   */
  public static Optional<Commit> commitOf(Snapshot snapshot) {
    Map<String, String> summary = snapshot.summary();
    String writer = summary.get(CommitMarkers.WRITER);
    if (writer != null) {
      String batch = summary.get(CommitMarkers.BATCH_ID);
      return batch == null ? Optional.empty() : Optional.of(new Commit(writer, Long.parseLong(batch)));
    }
    // Published on top of another writer's commit: Iceberg kept only the staged write's id.
    String published = summary.get(SnapshotSummary.PUBLISHED_WAP_ID_PROP);
    int separator = published == null ? -1 : published.lastIndexOf(BATCH_SEPARATOR);
    return separator < 0 ? Optional.empty() : Optional.of(new Commit(published.substring(0, separator),
        Long.parseLong(published.substring(separator + 1))));
  }

  /** A writer's newest commit to a table, and the snapshot that holds it. */
  public record LatestCommit(Commit commit, Snapshot snapshot) {}

  /**
   * The newest commit of each writer among the table's current snapshot and its ancestors: what
   * {@link #alreadyCommitted} must still find after a restart, so snapshot expiry keeps it.
   */
  public static List<LatestCommit> latestCommits(Table table) {
    Map<String, LatestCommit> latest = new LinkedHashMap<>();
    if (table.currentSnapshot() != null) {
      for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
        commitOf(snapshot).ifPresent(commit -> latest.putIfAbsent(commit.writer(), new LatestCommit(commit, snapshot)));
      }
    }
    return List.copyOf(latest.values());
  }

  /** The staged-write id of a writer's batch: the same for every copy of the job, so Iceberg publishes it once. */
  static String stageId(String writer, long batchId) {
    return writer + BATCH_SEPARATOR + batchId;
  }

  /**
   * Appends the rows as this writer's commit of the batch, unless the table already has it. Extra summary
   * entries (counts) are recorded with the commit. Returns whether it wrote. Iceberg's fanout writer keeps a
   * file open per partition a task meets, so the rows may come in any order.
   */
  public static boolean appendOnce(Dataset<Row> rows, String qualifiedTable, Table table, String writer,
      long batchId, Map<String, String> summary) throws Exception {
    return append(rows, qualifiedTable, table, writer, batchId, summary, true, BeforePublish.NOTHING);
  }

  /** As {@link #appendOnce}, with a look at the staged snapshot before it is published. */
  public static boolean appendOnce(Dataset<Row> rows, String qualifiedTable, Table table, String writer,
      long batchId, Map<String, String> summary, BeforePublish beforePublish) throws Exception {
    return append(rows, qualifiedTable, table, writer, batchId, summary, true, beforePublish);
  }

  /**
   * As {@link #appendOnce}, for rows sorted by the table's partition columns within each task: Iceberg writes
   * one partition's file at a time. The fanout writer keeps a Parquet writer (about 1 MB of buffers per column)
   * open for every partition a task meets: a catch-up batch across hundreds of gold hours ran a 1 GB executor
   * out of heap.
   */
  public static boolean appendClusteredOnce(Dataset<Row> rows, String qualifiedTable, Table table, String writer,
      long batchId, Map<String, String> summary) throws Exception {
    return append(rows, qualifiedTable, table, writer, batchId, summary, false, BeforePublish.NOTHING);
  }

  private static boolean append(Dataset<Row> rows, String qualifiedTable, Table table, String writer,
      long batchId, Map<String, String> summary, boolean fanout, BeforePublish beforePublish) throws Exception {
    if (alreadyCommitted(table, writer, batchId)) {
      return false;
    }
    Map<String, String> markers = new LinkedHashMap<>(summary);
    markers.put(CommitMarkers.WRITER, writer);
    markers.put(CommitMarkers.BATCH_ID, String.valueOf(batchId));
    Snapshot staged = stage(rows, qualifiedTable, table, stageId(writer, batchId), markers, fanout);
    beforePublish.check(staged);
    if (!isStaged(table, staged)) {
      // The table did not stage the write (its property was not seen yet): Spark committed it as a plain append.
      return true;
    }
    try {
      // Usually a fast-forward: the staged snapshot becomes the table's. On top of another writer's commit,
      // Iceberg adds its files again, and refuses if a snapshot with the same staged-write id was published.
      table.manageSnapshots().cherrypick(staged.snapshotId()).commit();
      return true;
    } catch (DuplicateWAPCommitException published) {
      LOG.warn("{}: batch {} of {} was committed by another copy of the job first; this copy's rows are not "
          + "added", table.name(), batchId, writer);
      return false;
    }
  }

  /**
   * Spark writes the rows as a staged snapshot (Iceberg's write-audit-publish): files and a snapshot in the
   * table's metadata, not yet in the table (or, on a table not yet set up for it, in the table).
   */
  private static Snapshot stage(Dataset<Row> rows, String qualifiedTable, Table table, String stageId,
      Map<String, String> markers, boolean fanout) throws Exception {
    if (!"true".equals(table.properties().get(TableProperties.WRITE_AUDIT_PUBLISH_ENABLED))) {
      table.updateProperties().set(TableProperties.WRITE_AUDIT_PUBLISH_ENABLED, "true").commit();
      rows.sparkSession().catalog().refreshTable(qualifiedTable);
    }
    // Two copies stage under the same id: this one's snapshot is the one with its own attempt marker.
    String attempt = UUID.randomUUID().toString();
    // The session of a streaming query's batches is the query's own: no other query sees this setting.
    RuntimeConfig conf = rows.sparkSession().conf();
    conf.set(SparkSQLProperties.WAP_ID, stageId);
    try {
      var write = rows.writeTo(qualifiedTable).option("fanout-enabled", String.valueOf(fanout))
          .option("snapshot-property." + STAGE_ATTEMPT, attempt);
      for (Map.Entry<String, String> e : markers.entrySet()) {
        write = write.option("snapshot-property." + e.getKey(), e.getValue());
      }
      write.append();
    } finally {
      conf.unset(SparkSQLProperties.WAP_ID);
    }
    table.refresh();
    Snapshot found = null;
    for (Snapshot snapshot : table.snapshots()) {
      if (attempt.equals(snapshot.summary().get(STAGE_ATTEMPT))) {
        found = snapshot;
      }
    }
    if (found == null) {
      throw new IllegalStateException(table.name() + ": the write of " + stageId + " left no snapshot");
    }
    return found;
  }

  private static boolean isStaged(Table table, Snapshot snapshot) {
    return table.currentSnapshot() == null
        || !SnapshotUtil.isAncestorOf(table, table.currentSnapshot().snapshotId(), snapshot.snapshotId());
  }
}
