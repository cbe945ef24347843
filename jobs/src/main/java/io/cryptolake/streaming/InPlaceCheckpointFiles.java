package io.cryptolake.streaming;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathFilter;
import org.apache.hadoop.fs.UnsupportedFileSystemException;
import org.apache.spark.internal.io.cloud.AbortableStreamBasedCheckpointFileManager;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;
import org.apache.spark.sql.execution.streaming.checkpointing.FileContextBasedCheckpointFileManager;
import org.apache.spark.sql.execution.streaming.checkpointing.FileSystemBasedCheckpointFileManager;

/**
 * How Spark writes a streaming query's checkpoint files (offsets, commits, state): on a store whose writes can be
 * aborted (S3A), each file is written in place and appears whole when its upload completes, or not at all; elsewhere
 * (a local or HDFS path) through a temporary file and a rename, as Spark does by default. On S3 Spark's rename is a
 * copy and a delete with the checks around them: about twice the requests per file, for every query's two log
 * files per batch and every state file (docs/benchmarks.md, round 27). A file that must not be overwritten (a batch's
 * offsets) is still refused when it exists, as with the rename.
 */
public final class InPlaceCheckpointFiles implements CheckpointFileManager {
  private final CheckpointFileManager files;

  /** Spark's constructor for {@code spark.sql.streaming.checkpointFileManagerClass}. */
  public InPlaceCheckpointFiles(Path path, Configuration hadoop) {
    this.files = choose(path, hadoop);
  }

  private static CheckpointFileManager choose(Path path, Configuration hadoop) {
    // Scala declares no exceptions; only the file system's "not supported" lets the next manager try.
    try {
      return new AbortableStreamBasedCheckpointFileManager(path, hadoop);
    } catch (Exception notAbortable) {
      if (!(notAbortable instanceof UnsupportedFileSystemException)) {
        throw notAbortable;
      }
    }
    // Spark's own choice from here on: a FileContext where the file system has one, else the FileSystem.
    try {
      return new FileContextBasedCheckpointFileManager(path, hadoop);
    } catch (Exception noFileContext) {
      if (!(noFileContext instanceof UnsupportedFileSystemException)) {
        throw noFileContext;
      }
    }
    return new FileSystemBasedCheckpointFileManager(path, hadoop);
  }

  /** Whether files go straight to their place (the store can abort a write), for tests. */
  public boolean inPlace() {
    return files instanceof AbortableStreamBasedCheckpointFileManager;
  }

  @Override
  public CancellableFSDataOutputStream createAtomic(Path path, boolean overwriteIfPossible) {
    return files.createAtomic(path, overwriteIfPossible);
  }

  @Override
  public FSDataInputStream open(Path path) {
    return files.open(path);
  }

  @Override
  public FileStatus[] list(Path path, PathFilter filter) {
    return files.list(path, filter);
  }

  @Override
  public void mkdirs(Path path) {
    files.mkdirs(path);
  }

  @Override
  public boolean exists(Path path) {
    return files.exists(path);
  }

  @Override
  public void delete(Path path) {
    files.delete(path);
  }

  @Override
  public boolean isLocal() {
    return files.isLocal();
  }

  @Override
  public Path createCheckpointDirectory() {
    return files.createCheckpointDirectory();
  }

  @Override
  public void close() {
    files.close();
  }
}
