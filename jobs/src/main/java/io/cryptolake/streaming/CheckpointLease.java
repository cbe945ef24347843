package io.cryptolake.streaming;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cryptolake.cli.ConfigError;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live copy of a job per checkpoint. The job holds a lease file in its checkpoint directory and renews it;
 * a second copy refuses to start while the lease is held. A copy killed with kill -9 stops renewing: on the same
 * host its dead process frees the lease at once, from another host the lease expires after {@link #TTL}.
 * The file system has no compare-and-set, so two copies started within a second can both write; each reads
 * the lease back after writing, and only the last writer goes on.
 */
public final class CheckpointLease implements AutoCloseable {
  public static final Duration TTL = Duration.ofSeconds(45);
  private static final Duration RENEW = Duration.ofSeconds(10);
  /** How long a copy on this host whose process is still alive may take to die (kill -9, then a restart). */
  private static final Duration DYING = Duration.ofSeconds(10);
  /** How long a starting job waits for an unreachable checkpoint store before it fails. */
  private static final Duration STORE_PATIENCE = Duration.ofMinutes(10);
  static final String FILE = "_cryptolake_lease";
  /** A lease being rewritten is unreadable for a moment: read this many times, this far apart, before giving up. */
  private static final int UNREADABLE_READS = 10;
  private static final Duration UNREADABLE_PAUSE = Duration.ofMillis(50);
  private static final Logger LOG = LoggerFactory.getLogger(CheckpointLease.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Who holds a lease, and when it last said so. */
  record Holder(String id, String host, long pid, long renewedAtMillis) {
    Duration age() {
      return Duration.ofMillis(Math.max(0, System.currentTimeMillis() - renewedAtMillis));
    }
  }

  private final FileSystem fs;
  /** The store this lease opened for itself, closed with it; null for a store shared with other leases. */
  private final LeaseStore own;
  private final Path file;
  private final Holder me;
  private final Duration ttl;
  private final ScheduledExecutorService renewer;

  private CheckpointLease(FileSystem fs, LeaseStore own, Path file, Holder me, Duration ttl, Duration renew,
      Runnable onLost) {
    this.fs = fs;
    this.own = own;
    this.file = file;
    this.me = me;
    this.ttl = ttl;
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "checkpoint-lease");
      thread.setDaemon(true);
      return thread;
    });
    renewer.scheduleWithFixedDelay(() -> renew(onLost), renew.toMillis(), renew.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Takes the lease of {@code checkpointDir} for {@code job}, or throws {@link ConfigError} naming the copy that
   * holds it. {@code onLost} runs if another copy takes the lease over later (this one stalled past the TTL).
   */
  public static CheckpointLease acquire(String checkpointDir, Configuration hadoop, String job, Runnable onLost) {
    return acquire(checkpointDir, hadoop, job, onLost, TTL, RENEW, DYING);
  }

  /** As {@link #acquire(String, Configuration, String, Runnable)}, on a store shared with other leases. */
  public static CheckpointLease acquire(String checkpointDir, LeaseStore store, String job, Runnable onLost) {
    return acquire(checkpointDir, "the checkpoint", store, null, job, onLost, TTL, RENEW, DYING);
  }

  /**
   * The same lease on a directory that is not a checkpoint but a lock, such as one DLQ replay at a time: a
   * second holder is refused with "the lock" instead of "the checkpoint" in its message.
   */
  public static CheckpointLease acquireLock(String lockDir, Configuration hadoop, String name, Runnable onLost) {
    return acquire(lockDir, "the lock", hadoop, name, onLost, TTL, RENEW, DYING);
  }

  static CheckpointLease acquire(String checkpointDir, Configuration hadoop, String job, Runnable onLost,
      Duration ttl, Duration renew, Duration dying) {
    return acquire(checkpointDir, "the checkpoint", hadoop, job, onLost, ttl, renew, dying);
  }

  /** On a store of the lease's own, closed with it (or at once, when the lease is not taken). */
  private static CheckpointLease acquire(String checkpointDir, String what, Configuration hadoop, String job,
      Runnable onLost, Duration ttl, Duration renew, Duration dying) {
    LeaseStore own = new LeaseStore(hadoop);
    try {
      return acquire(checkpointDir, what, own, own, job, onLost, ttl, renew, dying);
    } catch (RuntimeException e) {
      own.close();
      throw e;
    }
  }

  /** {@code what}: what the directory is to the holder, for the refusal's message. */
  private static CheckpointLease acquire(String checkpointDir, String what, LeaseStore store, LeaseStore own,
      String job, Runnable onLost, Duration ttl, Duration renew, Duration dying) {
    // The checkpoint store (S3) may be down when the job starts: wait for it as a query would, within bounds.
    long giveUpAt = System.nanoTime() + STORE_PATIENCE.toNanos();
    Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(30));
    while (true) {
      try {
        return tryAcquire(checkpointDir, what, store, own, job, onLost, ttl, renew, dying);
      } catch (UncheckedIOException e) {
        if (System.nanoTime() > giveUpAt) {
          throw e;
        }
        Duration wait = backoff.next();
        LOG.warn("{}: cannot reach the checkpoint {} to take its lease ({}); trying again in {} s", job,
            checkpointDir, e.getCause().toString(), wait.toSeconds());
        Backoff.sleep(wait, "the checkpoint store");
      }
    }
  }

  private static CheckpointLease tryAcquire(String checkpointDir, String what, LeaseStore store, LeaseStore own,
      String job, Runnable onLost, Duration ttl, Duration renew, Duration dying) {
    try {
      Path dir = new Path(checkpointDir);
      FileSystem fs = store.fileSystem(dir);
      fs.mkdirs(dir);
      Path file = new Path(dir, FILE);
      waitForHolder(fs, file, what, job, checkpointDir, ttl, dying);
      Holder me = new Holder(UUID.randomUUID().toString(), host(), ProcessHandle.current().pid(),
          System.currentTimeMillis());
      write(fs, file, me);
      Thread.sleep(Math.min(1000, renew.toMillis()));
      Optional<Holder> after = read(fs, file);
      if (after.isPresent() && !after.get().id().equals(me.id())) {
        throw refused(what, job, checkpointDir, after.get());
      }
      LOG.info("{} holds the lease of {} (renewed every {} s, free {} s after the last renewal)", job, checkpointDir,
          renew.toSeconds(), ttl.toSeconds());
      return new CheckpointLease(fs, own, file, me, ttl, renew, onLost);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the lease of " + checkpointDir, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while taking the lease of " + checkpointDir, e);
    }
  }

  /** Returns once no other live copy holds the lease; throws when one does. */
  private static void waitForHolder(FileSystem fs, Path file, String what, String job, String dir, Duration ttl,
      Duration dying) throws IOException, InterruptedException {
    Optional<Holder> holder = read(fs, file);
    long deadline = System.nanoTime() + dying.toNanos();
    while (holder.isPresent() && holder.get().age().compareTo(ttl) < 0) {
      Holder h = holder.get();
      boolean here = h.host().equals(host());
      boolean alive = ProcessHandle.of(h.pid()).map(ProcessHandle::isAlive).orElse(false);
      if (here && !alive) {
        LOG.info("{}: the lease of {} was held by pid {}, which has ended; taking it over", job, dir, h.pid());
        return;
      }
      if (here && System.nanoTime() > deadline) {
        throw refused(what, job, dir, h);
      }
      if (!here) {
        // Another host: wait for the lease to expire; a renewal in the meantime means that copy is alive.
        Thread.sleep(Math.max(100, ttl.minus(h.age()).toMillis() + 100));
        Optional<Holder> now = read(fs, file);
        if (now.isPresent() && now.get().renewedAtMillis() != h.renewedAtMillis()) {
          throw refused(what, job, dir, now.get());
        }
        return;
      }
      Thread.sleep(500);
      holder = read(fs, file);
    }
  }

  private static ConfigError refused(String what, String job, String dir, Holder h) {
    return new ConfigError("already running: " + what + " " + dir + " of " + job + " is held by pid " + h.pid()
        + " on " + h.host() + " (renewed " + h.age().toSeconds() + " s ago); stop that copy first, or, if it was killed on "
        + "another host, start again once its lease expires (" + TTL.toSeconds() + " s)");
  }

  private void renew(Runnable onLost) {
    try {
      Optional<Holder> holder = read(fs, file);
      if (holder.isPresent() && !holder.get().id().equals(me.id())) {
        LOG.error("the lease of {} was taken over by pid {} on {} (this copy did not renew it for {} s); stopping",
            file.getParent(), holder.get().pid(), holder.get().host(), ttl.toSeconds());
        renewer.shutdown();
        onLost.run();
        return;
      }
      write(fs, file, new Holder(me.id(), me.host(), me.pid(), System.currentTimeMillis()));
    } catch (IOException | RuntimeException e) {
      // The store may be down for a while: the next renewal tries again, and the queries report the outage.
      LOG.warn("could not renew the lease of {}: {}", file.getParent(), e.toString());
    }
  }

  /** Gives the lease up (a copy started after this may run at once). */
  @Override
  public void close() {
    renewer.shutdownNow();
    try {
      Optional<Holder> holder = read(fs, file);
      if (holder.isPresent() && holder.get().id().equals(me.id())) {
        fs.delete(file, false);
      }
    } catch (IOException e) {
      LOG.warn("could not give up the lease of {}: {}; it expires in {} s", file.getParent(), e.toString(),
          ttl.toSeconds());
    }
    if (own != null) {
      own.close();
    }
  }

  /**
   * The holder on record. A read during a renewal may still find the file not matching its checksum (a local
   * file system renames the file and its checksum one after the other), so it is read again; only a file that
   * stays unreadable is a copy killed while writing it, and free.
   */
  static Optional<Holder> read(FileSystem fs, Path file) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try (InputStream in = fs.open(file)) {
        return Optional.of(JSON.readValue(in, Holder.class));
      } catch (FileNotFoundException e) {
        return Optional.empty();
      } catch (com.fasterxml.jackson.core.JacksonException | ChecksumException e) {
        if (attempt == UNREADABLE_READS) {
          LOG.warn("the lease {} stays unreadable ({}); taking it as free", file, e.toString());
          return Optional.empty();
        }
        Backoff.sleep(UNREADABLE_PAUSE, "the lease being rewritten");
      }
    }
  }

  /**
   * Replaces the lease whole: an object store's PUT does; on a file system (local, HDFS) the holder is written
   * beside it and renamed over it, so a reader never finds it truncated.
   */
  static void write(FileSystem fs, Path file, Holder holder) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(holder);
    String scheme = fs.getUri().getScheme();
    boolean objectStore = scheme.startsWith("s3") || scheme.equals("gs");
    Path target = objectStore ? file : new Path(file.getParent(), "." + FILE + "-" + holder.id());
    try (OutputStream out = fs.create(target, true)) {
      out.write(bytes);
    }
    if (fs instanceof RawLocalFileSystem) {
      fs.rename(target, file);  // rename(2): replaces the file at once
    } else if (!objectStore) {
      FileContext.getFileContext(fs.getUri(), fs.getConf()).rename(target, file, Options.Rename.OVERWRITE);
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return "unknown-host";
    }
  }
}
