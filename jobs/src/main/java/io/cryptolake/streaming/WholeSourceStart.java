package io.cryptolake.streaming;

import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A query that has never run a batch reads each of its Iceberg sources whole: everything the table holds now,
 * then what later snapshots add. Iceberg 1.11 would start it at the oldest snapshot the table still has and read
 * only what that snapshot and the later ones added, so once snapshots have been expired (the jobs and maintain
 * do, docs/operations.md) a rebuild (--from-scratch) or a first start over an existing source would miss every
 * row the expired snapshots added.
 *
 * <p>Iceberg keeps a query's starting offset in {@code <checkpoint>/sources/<n>/offsets/0} and reads it from there
 * when the file exists; this writes it before the query starts: the newest snapshot after which the table was only
 * appended to (compactions, which streaming reads skip, may follow), with "scan all files" on. Sources are
 * numbered in the order the query's plan names them. A table that cannot be read so (its latest change removed
 * rows, with nothing appended since, or it has delete files) keeps Iceberg's own start while its history is
 * whole; without it the query does not start (an exception the job's supervisor retries with backoff): a
 * source the jobs write is appended to again soon.
 */
public final class WholeSourceStart {
  private static final Logger LOG = LoggerFactory.getLogger(WholeSourceStart.class);

  private WholeSourceStart() {}

  /** Before the query of {@code checkpoint} starts: its sources, by name, in the order its plan reads them. */
  public static void prepare(SparkSession spark, LakeConfig lake, String checkpoint, List<String> sources) {
    if (!EmptyCheckpoint.isEmpty(spark, checkpoint)) {
      return;
    }
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    for (int n = 0; n < sources.size(); n++) {
      Table table = catalog.load(sources.get(n));
      Optional<Snapshot> start = wholeFrom(table);
      if (start.isPresent()) {
        write(spark, new Path(checkpoint, "sources/" + n + "/offsets/0"), start.get());
        LOG.info("{}: a new query reads {} whole, as of snapshot {} ({}), then what later snapshots add", checkpoint,
            table.name(), start.get().snapshotId(), java.time.Instant.ofEpochMilli(start.get().timestampMillis()));
      } else if (table.currentSnapshot() != null && SnapshotUtil.oldestAncestor(table).parentId() != null) {
        throw new IllegalStateException(checkpoint + ": a new query cannot read " + table.name() + " whole now (its "
            + "latest change removed rows and nothing was appended since, or it has delete files), and its older "
            + "snapshots were expired; it starts once the table has a new append");
      }
    }
  }

  /** The newest appended snapshot with only appends and compactions after it, and no delete files. */
  static Optional<Snapshot> wholeFrom(Table table) {
    table.refresh();
    if (table.currentSnapshot() == null) {
      return Optional.empty();
    }
    for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
      String operation = snapshot.operation();
      if (DataOperations.APPEND.equals(operation)) {
        return snapshot.deleteManifests(table.io()).isEmpty() ? Optional.of(snapshot) : Optional.empty();
      }
      if (!DataOperations.REPLACE.equals(operation)) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  /** Iceberg's streaming offset: the snapshot, the first of its files, all of the table's files at it. */
  private static void write(SparkSession spark, Path file, Snapshot start) {
    String offset = "{\"version\":1,\"snapshot_id\":" + start.snapshotId() + ",\"position\":0,\"scan_all_files\":true}";
    try {
      FileSystem fs = file.getFileSystem(spark.sessionState().newHadoopConf());
      try (OutputStream out = fs.create(file, true)) {
        out.write(offset.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the starting offset " + file, e);
    }
  }
}
