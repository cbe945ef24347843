package io.cryptolake.lake;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.util.functional.FutureIO;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.exceptions.RuntimeIOException;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.hadoop.HadoopInputFile;
import org.apache.iceberg.hadoop.Util;
import org.apache.iceberg.io.DelegatingInputStream;
import org.apache.iceberg.io.DelegatingOutputStream;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
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
    return new NewFile(location, this);
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

  /** A file Iceberg is about to write, created without S3A's probes. */
  private static final class NewFile implements OutputFile {
    private final String location;
    private final LakeFileIO io;

    NewFile(String location, LakeFileIO io) {
      this.location = location;
      this.io = io;
    }

    @Override
    public PositionOutputStream create() {
      return open(false);
    }

    @Override
    public PositionOutputStream createOrOverwrite() {
      return open(true);
    }

    private PositionOutputStream open(boolean overwrite) {
      Path path = new Path(location);
      try {
        // FileSystem.createFile returns the builder as a raw type.
        return new Output((FSDataOutputStream) io.fileSystem(path).createFile(path).overwrite(overwrite).recursive()
            .opt(CREATE_PERFORMANCE, "true").build());
      } catch (FileAlreadyExistsException e) {
        throw new AlreadyExistsException(e, "Path already exists: %s", location);
      } catch (IOException e) {
        throw new RuntimeIOException(e, "Failed to create file: %s", location);
      }
    }

    @Override
    public String location() {
      return location;
    }

    @Override
    public InputFile toInputFile() {
      return HadoopInputFile.fromLocation(location, io.conf());
    }

    @Override
    public String toString() {
      return location;
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

  /** Hadoop's output stream as Iceberg's; Parquet reaches the Hadoop stream through {@link #getDelegate}. */
  private static final class Output extends PositionOutputStream implements DelegatingOutputStream {
    private final FSDataOutputStream out;

    Output(FSDataOutputStream out) {
      this.out = out;
    }

    @Override
    public long getPos() throws IOException {
      return out.getPos();
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
      out.write(buffer, offset, length);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }

    @Override
    public OutputStream getDelegate() {
      return out;
    }
  }
}
