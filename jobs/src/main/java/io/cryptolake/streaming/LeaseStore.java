package io.cryptolake.streaming;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file systems {@link CheckpointLease}s read and write, one per store (scheme and authority) for all the
 * leases of one process: the one application takes five leases at start, and each S3A instance builds an S3
 * client and thread pools of its own, while the driver is starting on a busy machine (docs/benchmarks.md, round
 * 34). Not Hadoop's cache: that instance becomes Spark's later, with the lease's settings instead of Spark's.
 */
public final class LeaseStore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseStore.class);

  private final Configuration conf;
  private final Map<String, FileSystem> open = new LinkedHashMap<>();

  public LeaseStore(Configuration hadoop) {
    this.conf = new Configuration(hadoop);
    // A renewal rewrites the lease while another copy may read it: a whole small object per GET, so S3A's check
    // that an object did not change under an open stream is off here.
    conf.set("fs.s3a.change.detection.mode", "none");
  }

  /** The file system of {@code dir}, opened on first use. */
  synchronized FileSystem fileSystem(Path dir) {
    URI uri = dir.toUri();
    String store = uri.getScheme() + "://" + uri.getAuthority();
    FileSystem fs = open.get(store);
    if (fs == null) {
      try {
        fs = FileSystem.newInstance(uri, conf);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open " + store + " for the checkpoint's lease", e);
      }
      if (fs instanceof ChecksumFileSystem checksummed) {
        // Local: the lease without a .crc beside it, which a rename could not replace together with it.
        fs = checksummed.getRawFileSystem();
      }
      open.put(store, fs);
    }
    return fs;
  }

  /** How many file systems are open: one per store however many leases use it. */
  synchronized int openFileSystems() {
    return open.size();
  }

  @Override
  public synchronized void close() {
    for (FileSystem fs : new ArrayList<>(open.values())) {
      try {
        fs.close();
      } catch (IOException e) {
        LOG.warn("could not close {}: {}", fs.getUri(), e.toString());
      }
    }
    open.clear();
  }
}
