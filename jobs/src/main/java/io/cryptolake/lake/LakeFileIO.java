package io.cryptolake.lake;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;
import org.apache.hadoop.util.functional.FutureIO;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.exceptions.RuntimeIOException;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.hadoop.HadoopOutputFile;
import org.apache.iceberg.hadoop.Util;
import org.apache.iceberg.io.DelegatingInputStream;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * Iceberg's {@link HadoopFileIO} without the S3 requests that only check. Every file Iceberg writes has a name of
 * its own (a UUID or a snapshot id in it) and a commit is the catalog's swap of one metadata location, so S3A's
 * probes before a create (a HEAD and a LIST: is there a file or a directory by that name?) cannot find anything:
 * files are created without them ({@code fs.s3a.create.performance}; a create that must not overwrite is still a
 * conditional upload, which the store refuses when the name exists). A file whose length Iceberg knows (data files
 * and manifests: their lengths are in the metadata) is opened without the HEAD that asks for it, any other file
 * (manifest lists, metadata files) after one HEAD however often its length is asked; a Parquet file with the read
 * policy Parquet's own reader asks for, other files as a plain open would. Other file systems ignore the
 * options. Streaming checkpoints do not go through this class: their writes keep S3A's checks.
 */
public class LakeFileIO extends HadoopFileIO {
  /** S3A's per-file option: no existence or directory probes before the upload. */
  static final String CREATE_PERFORMANCE = "fs.s3a.create.performance";
  /** Hadoop's standard option: the file's length, so the store need not be asked for it. */
  static final String OPENFILE_LENGTH = "fs.option.openfile.length";
  /** Hadoop's standard option: how the file will be read, which decides the ranges S3A asks for. */
  static final String OPENFILE_READ_POLICY = "fs.option.openfile.read.policy";
  /**
   * What Parquet's own Hadoop input file asks for (Iceberg opened data files through it): ranges the size of each
   * read. Without it S3A's first GET runs to the end of the file, which the reader then drains or aborts.
   */
  static final String PARQUET_READ_POLICY = "parquet, vector, random, adaptive";

  public LakeFileIO() {}

  public LakeFileIO(Configuration conf) {
    super(conf);
  }

  @Override
  public InputFile newInputFile(String location) {
    return new LakeInputFile(location, LakeInputFile.UNKNOWN, this);
  }

  @Override
  public InputFile newInputFile(String location, long length) {
    return new LakeInputFile(location, length, this);
  }

  @Override
  public OutputFile newOutputFile(String location) {
    Path path = new Path(location);
    return HadoopOutputFile.fromPath(path, new ProbeFreeCreates(fileSystem(path)), conf());
  }

  FileSystem fileSystem(Path path) {
    return Util.getFs(path, conf());
  }

  /**
   * A file the lake reads: opened at the length Iceberg recorded for it, or, where Iceberg has none (a manifest list,
   * a metadata file), at the length its status gave. Iceberg's Avro reader asks a manifest list for a stream and for
   * its length; Iceberg's own input file sends a HEAD for each, this one asks once.
   */
  private static final class LakeInputFile implements InputFile {
    private static final long UNKNOWN = -1;
    private final String location;
    private final long recordedLength;
    private final LakeFileIO io;
    private volatile FileStatus status;

    LakeInputFile(String location, long recordedLength, LakeFileIO io) {
      this.location = location;
      this.recordedLength = recordedLength;
      this.io = io;
    }

    @Override
    public long getLength() {
      return recordedLength != UNKNOWN ? recordedLength : status().getLen();
    }

    /** The file's status, asked once: a HEAD on S3. */
    private FileStatus status() {
      if (status == null) {
        Path path = new Path(location);
        try {
          status = io.fileSystem(path).getFileStatus(path);
        } catch (FileNotFoundException e) {
          throw new NotFoundException(e, "File does not exist: %s", location);
        } catch (IOException e) {
          throw new RuntimeIOException(e, "Failed to get status for file: %s", location);
        }
      }
      return status;
    }

    @Override
    public SeekableInputStream newStream() {
      Path path = new Path(location);
      try {
        var open = io.fileSystem(path).openFile(path).opt(OPENFILE_LENGTH, Long.toString(getLength()));
        if (location.endsWith(".parquet")) {
          open.opt(OPENFILE_READ_POLICY, PARQUET_READ_POLICY);
        }
        return new Stream(FutureIO.awaitFuture(open.build()));
      } catch (FileNotFoundException e) {
        throw new NotFoundException(e, "Failed to open input stream for file: %s", location);
      } catch (IOException e) {
        throw new RuntimeIOException(e, "Failed to open input stream for file: %s", location);
      }
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public boolean exists() {
      try {
        status();
        return true;
      } catch (NotFoundException e) {
        return false;
      }
    }

    @Override
    public String toString() {
      return location;
    }
  }

  /**
   * Creates through the wrapped file system's builder, without S3A's probes. Iceberg's own output file over it, not
   * one of ours: Iceberg's Parquet writer copies a HadoopOutputFile's configuration, and for any other output file
   * builds a new one, which parses Hadoop's default XML files again for every data file (5.7 ms of an executor's
   * CPU each, a tenth of its task time in a cold start; docs/benchmarks.md, round 37).
   */
  private static final class ProbeFreeCreates extends FilterFileSystem {
    ProbeFreeCreates(FileSystem fs) {
      super(fs);
    }

    @Override
    public FSDataOutputStream create(Path path, FsPermission permission, boolean overwrite, int bufferSize,
        short replication, long blockSize, Progressable progress) throws IOException {
      // FileSystem.createFile returns the builder as a raw type.
      return (FSDataOutputStream) fs.createFile(path).overwrite(overwrite).recursive().opt(CREATE_PERFORMANCE, "true")
          .build();
    }
  }

  /** Hadoop's stream as Iceberg's; Parquet reaches the Hadoop stream through {@link #getDelegate}. */
  private static final class Stream extends SeekableInputStream implements DelegatingInputStream {
    private final FSDataInputStream in;

    Stream(FSDataInputStream in) {
      this.in = in;
    }

    @Override
    public long getPos() throws IOException {
      return in.getPos();
    }

    @Override
    public void seek(long position) throws IOException {
      in.seek(position);
    }

    @Override
    public int read() throws IOException {
      return in.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      return in.read(buffer, offset, length);
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void close() throws IOException {
      in.close();
    }

    @Override
    public InputStream getDelegate() {
      return in;
    }
  }
}
