package io.cryptolake.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cryptolake.lake.SnapshotCounts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;

/**
 * Where the streaming queries that read Iceberg tables are, from their checkpoints: for each query under the
 * checkpoint root, the snapshot its last committed batch read up to ({@code offsets/<batch>} of the newest
 * {@code commits/<batch>}; Iceberg's offset names its snapshot). A snapshot id identifies its table, so no list
 * of which job reads which table is needed. Read with Hadoop's FileSystem, so checkpoints on S3 work too.
 */
public final class StreamingReaders {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * A query's position in a table: its last committed batch read up to this snapshot, {@code files} of its
   * added data files (Iceberg's streaming offset: the snapshot and a position in its added files).
   */
  record Position(String query, long snapshotId, long files) {}

  private final List<Position> positions;
  /** Each query's id (its checkpoint's {@code metadata}), by the name of its checkpoint directory. */
  private final Map<String, String> queryIds;

  private StreamingReaders(List<Position> positions, Map<String, String> queryIds) {
    this.positions = positions;
    this.queryIds = queryIds;
  }

  /** Every committed position under the root; none when there is no root or it does not exist. */
  public static StreamingReaders under(String checkpointRoot, Configuration hadoop) {
    List<Position> positions = new ArrayList<>();
    Map<String, String> queryIds = new LinkedHashMap<>();
    if (checkpointRoot == null) {
      return new StreamingReaders(positions, queryIds);
    }
    try {
      Path root = new Path(checkpointRoot);
      FileSystem fs = root.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        return new StreamingReaders(positions, queryIds);
      }
      for (FileStatus query : fs.listStatus(root)) {
        queryId(fs, query).ifPresent(id -> queryIds.put(query.getPath().getName(), id));
        Optional<Long> batch = query.isDirectory() ? lastCommitted(fs, query.getPath()) : Optional.empty();
        if (batch.isPresent()) {
          for (JsonNode offset : icebergOffsets(fs, new Path(query.getPath(), "offsets/" + batch.get()))) {
            positions.add(new Position(query.getPath().getName(), offset.get("snapshot_id").asLong(),
                offset.path("position").asLong(0)));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the streaming checkpoints under " + checkpointRoot, e);
    }
    return new StreamingReaders(positions, queryIds);
  }

  /**
   * True when the query with this id has its checkpoint under the root: it will go on from there (a query whose
   * checkpoint was deleted or replaced starts again as a new query, with a new id).
   */
  public boolean hasCheckpoint(String queryId) {
    return queryIds.containsValue(queryId);
  }

  /** The oldest snapshot of {@code table} that a query still reads from, with the query's name. */
  public Optional<Held> oldestNeeded(Table table) {
    Held oldest = null;
    for (Position p : positions) {
      Snapshot snapshot = table.snapshot(p.snapshotId());
      if (snapshot != null && (oldest == null || snapshot.sequenceNumber() < oldest.snapshot().sequenceNumber())) {
        oldest = new Held(p.query(), snapshot, parentTime(table, snapshot));
      }
    }
    return Optional.ofNullable(oldest);
  }

  /**
   * A table's oldest snapshot still read by {@code query}. Rows committed before {@code parentMillis} (the
   * commit time of the snapshot before it) have been read; the snapshot itself must stay.
   */
  public record Held(String query, Snapshot snapshot, long parentMillis) {}

  /**
   * How far the slowest query reading {@code table} has read, as a time on the table's written-at column:
   * every row written before it has been read, rows written at or after it may not have been. Empty when no
   * query under the root reads the table.
   */
  public Optional<ReadUpTo> readUpTo(Table table) {
    ReadUpTo slowest = null;
    for (Position p : positions) {
      Snapshot snapshot = table.snapshot(p.snapshotId());
      if (snapshot == null) {
        continue;
      }
      long added = SnapshotCounts.of(snapshot, SnapshotSummary.ADDED_FILES_PROP);
      // Rows of the snapshot were written before its commit, rows of later snapshots after it.
      long writtenBefore = p.files() >= added ? snapshot.timestampMillis() : parentTime(table, snapshot);
      if (slowest == null || writtenBefore < slowest.writtenBeforeMillis()) {
        slowest = new ReadUpTo(p.query(), writtenBefore);
      }
    }
    return Optional.ofNullable(slowest);
  }

  /** {@code query} has read every row of the table written before {@code writtenBeforeMillis}. */
  public record ReadUpTo(String query, long writtenBeforeMillis) {}

  /**
   * The newest snapshot of {@code table} that the slowest query reading it has read whole: every row of it and of
   * its ancestors has been read, no row committed after it has. Empty when no query under the root reads the
   * table; a {@link ReadThrough} without a snapshot when the slowest has read none of it whole.
   */
  public Optional<ReadThrough> readThrough(Table table) {
    ReadThrough slowest = null;
    for (Position p : positions) {
      Snapshot snapshot = table.snapshot(p.snapshotId());
      if (snapshot == null) {
        continue;
      }
      ReadThrough read = new ReadThrough(p.query(), readWhole(table, p, snapshot));
      if (slowest == null || read.sequenceNumber() < slowest.sequenceNumber()) {
        slowest = read;
      }
    }
    return Optional.ofNullable(slowest);
  }

  /** {@code query} has read every row of {@code snapshot} and its ancestors; none when it has read no snapshot whole. */
  public record ReadThrough(String query, Snapshot snapshot) {
    long sequenceNumber() {
      return snapshot == null ? Long.MIN_VALUE : snapshot.sequenceNumber();
    }
  }

  /**
   * Rows of {@code table} (refreshed) that each query reading it has not read yet, by query: the rows committed
   * after the snapshot its last committed batch read up to. A snapshot it has read only in part counts whole.
   * Exact for tables that are only appended to (the streams' sources between maintenance runs).
   */
  public Map<String, Long> rowsBehind(Table table) {
    table.refresh();
    long now = SnapshotCounts.of(table.currentSnapshot(), SnapshotSummary.TOTAL_RECORDS_PROP);
    Map<String, Long> behind = new LinkedHashMap<>();
    for (Position p : positions) {
      Snapshot snapshot = table.snapshot(p.snapshotId());
      if (snapshot == null) {
        continue;
      }
      Snapshot readThrough = readWhole(table, p, snapshot);
      behind.merge(p.query(), now - SnapshotCounts.of(readThrough, SnapshotSummary.TOTAL_RECORDS_PROP), Long::sum);
    }
    return behind;
  }

  /** The position's snapshot if it has read all of its added files, else its parent (null for none). */
  private static Snapshot readWhole(Table table, Position p, Snapshot snapshot) {
    if (p.files() >= SnapshotCounts.of(snapshot, SnapshotSummary.ADDED_FILES_PROP)) {
      return snapshot;
    }
    return snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId());
  }

  private static long parentTime(Table table, Snapshot snapshot) {
    Snapshot parent = snapshot.parentId() == null ? null : table.snapshot(snapshot.parentId());
    return parent == null ? Long.MIN_VALUE : parent.timestampMillis();
  }

  /** The query id in a checkpoint's {@code metadata} file ({"id":"..."}), if it has one. */
  private static Optional<String> queryId(FileSystem fs, FileStatus query) throws IOException {
    Path metadata = new Path(query.getPath(), "metadata");
    if (!query.isDirectory() || !fs.exists(metadata)) {
      return Optional.empty();
    }
    try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(metadata), StandardCharsets.UTF_8))) {
      JsonNode id = JSON.readTree(in).path("id");
      return id.isTextual() ? Optional.of(id.asText()) : Optional.empty();
    }
  }

  private static Optional<Long> lastCommitted(FileSystem fs, Path query) throws IOException {
    Path commits = new Path(query, "commits");
    if (!fs.exists(commits)) {
      return Optional.empty();
    }
    OptionalLong newest = Arrays.stream(fs.listStatus(commits)).map(f -> f.getPath().getName())
        .filter(n -> n.matches("\\d+")).mapToLong(Long::parseLong).max();
    return newest.isPresent() ? Optional.of(newest.getAsLong()) : Optional.empty();
  }

  /** The Iceberg offsets in an offset-log entry: line 1 version, line 2 metadata, then one line per source. */
  private static List<JsonNode> icebergOffsets(FileSystem fs, Path offsets) throws IOException {
    List<JsonNode> found = new ArrayList<>();
    if (!fs.exists(offsets)) {
      return found;
    }
    try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(offsets), StandardCharsets.UTF_8))) {
      List<String> lines = in.lines().toList();
      for (String line : lines.subList(Math.min(2, lines.size()), lines.size())) {
        try {
          JsonNode offset = JSON.readTree(line);
          if (offset != null && offset.has("snapshot_id")) {
            found.add(offset);
          }
        } catch (IOException notJson) {
          // Another kind of source (Kafka's offsets are JSON too, without a snapshot id; "-" for none).
        }
      }
    }
    return found;
  }
}
