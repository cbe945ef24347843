package io.cryptolake.streaming;

import io.cryptolake.cli.ConfigError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A query started with an empty checkpoint (lost, deleted, a new --checkpoint-root) reads its whole source
 * again: bronze from Kafka's earliest offsets, silver and gold their source whole (WholeSourceStart), and gold's
 * first batch has no watermark. Over tables that already hold rows, that writes every row twice. Bronze
 * resumes after the offsets its own table holds (BronzeStream); silver and gold cannot tell which source
 * snapshot their last commit read, so they refuse to start, unless the operator asks for a rebuild with
 * {@code --from-scratch}, which empties their checkpoint and their tables first (a backfill is the same start).
 */
public final class EmptyCheckpoint {
  private static final Logger LOG = LoggerFactory.getLogger(EmptyCheckpoint.class);

  private EmptyCheckpoint() {}

  /** The rows of a table that one job writes: {@code where} selects them (one exchange's DLQ rows, say). */
  public record Output(String qualifiedTable, String where) {
    public static Output whole(String qualifiedTable) {
      return new Output(qualifiedTable, "true");
    }

    public long rows(SparkSession spark) {
      return knownEmpty(spark) ? 0 : spark.table(qualifiedTable).where(where).count();
    }

    /**
     * True when the table's metadata alone says it has no rows (it does not exist, has no snapshot, or its
     * latest snapshot counts none), without a Spark job: a new deployment's jobs start without one per table.
     */
    public boolean knownEmpty(SparkSession spark) {
      if (!spark.catalog().tableExists(qualifiedTable)) {
        return true;
      }
      Snapshot current;
      try {
        current = Spark3Util.loadIcebergTable(spark, qualifiedTable).currentSnapshot();
      } catch (ParseException | NoSuchTableException e) {
        throw new IllegalStateException("cannot load " + qualifiedTable, e);
      }
      return current == null || "0".equals(current.summary().get(SnapshotSummary.TOTAL_RECORDS_PROP));
    }

    public void empty(SparkSession spark) {
      if (spark.catalog().tableExists(qualifiedTable)) {
        spark.sql("DELETE FROM " + qualifiedTable + " WHERE " + where);
      }
    }
  }

  /**
   * {@code --from-scratch}, once per job process before its queries start: deletes what Spark keeps in the
   * job's checkpoint (offsets, commits, state), whatever it holds, so the start below rebuilds. The lease stays.
   */
  public static void clearIfFromScratch(SparkSession spark, String job, StreamConfig stream) {
    if (!stream.fromScratch()) {
      return;
    }
    Path checkpoint = new Path(stream.checkpointFor(job));
    try {
      FileSystem fs = checkpoint.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(checkpoint)) {
        return;
      }
      for (FileStatus entry : fs.listStatus(checkpoint)) {
        if (!entry.getPath().getName().equals(CheckpointLease.FILE)) {
          LOG.warn("{}: --from-scratch: deleting {} of the checkpoint", job, entry.getPath());
          fs.delete(entry.getPath(), true);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clear the checkpoint " + checkpoint, e);
    }
  }

  /** True when the query whose checkpoint is {@code checkpoint} has never planned a batch. */
  public static boolean isEmpty(SparkSession spark, String checkpoint) {
    Path offsets = new Path(checkpoint, "offsets");
    try {
      FileSystem fs = offsets.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(offsets)) {
        return true;
      }
      for (FileStatus file : fs.listStatus(offsets)) {
        if (file.getPath().getName().matches("[0-9]+")) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checkpoint " + checkpoint, e);
    }
  }

  /**
   * Before {@code job}'s query starts, once per job process: with an empty checkpoint while its first output
   * already holds rows, stops the job ({@link ConfigError}: exit 2) unless the stream config says
   * {@code --from-scratch}; then it empties the checkpoint and every output, so the rebuild writes each row once.
   */
  public static void requireResumable(SparkSession spark, String job, StreamConfig stream, List<Output> outputs) {
    clearIfFromScratch(spark, job, stream);
    String checkpoint = stream.checkpointFor(job);
    if (!isEmpty(spark, checkpoint)) {
      return;
    }
    Output first = outputs.get(0);
    long rows = first.rows(spark);
    if (rows == 0) {
      return;
    }
    if (!stream.fromScratch()) {
      throw new ConfigError("--checkpoint-root: " + checkpoint + " holds no batch, but " + first.qualifiedTable()
          + " already holds " + rows + " rows from an earlier run, and reading the whole source again would write "
          + "them twice; expected the job's checkpoint (restore it), or --from-scratch to empty the job's tables "
          + "and rebuild them from the source");
    }
    for (Output output : outputs) {
      LOG.warn("{}: --from-scratch over an empty checkpoint: deleting {} rows of {} ({}) before the rebuild", job,
          output.rows(spark), output.qualifiedTable(), output.where());
      output.empty(spark);
    }
  }
}
