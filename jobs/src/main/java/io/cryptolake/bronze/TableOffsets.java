package io.cryptolake.bronze;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * The highest offset per Kafka partition that a bronze table holds for one topic, kept current from table
 * metadata alone: read once from the live files' statistics, then from the files each commit since added
 * (this writer's own batch from what it saw when it staged it). A partition whose highest offset
 * the statistics cannot tell (it is in a file compaction merged with other partitions, with a larger upper
 * bound) is unknown: the batch after a start is then not compared for that partition.
 */
final class TableOffsets {
  private final String topic;
  private final Map<Integer, Long> highest = new TreeMap<>();
  private Long seenSnapshotId;
  /** The ranges of the last batch this writer staged, by its snapshot: published as is, it need not be read. */
  private Long stagedSnapshotId;
  private OffsetRanges stagedRanges;

  TableOffsets(String topic) {
    this.topic = topic;
  }

  /** The highest offsets as of the table's current snapshot (refreshed). */
  Map<Integer, Long> highest(Table table) {
    table.refresh();
    Snapshot current = table.currentSnapshot();
    if (current == null) {
      highest.clear();
    } else if (seenSnapshotId == null || !catchUp(table, current)) {
      readLiveFiles(table);
    }
    seenSnapshotId = current == null ? null : current.snapshotId();
    return Map.copyOf(highest);
  }

  /** The ranges of a batch this writer staged as {@code snapshot}. */
  void staged(Snapshot snapshot, OffsetRanges ranges) {
    stagedSnapshotId = snapshot.snapshotId();
    stagedRanges = ranges;
  }

  private void add(OffsetRanges ranges) {
    ranges.byPartition().forEach((p, range) -> highest.merge(p, range.last(), Math::max));
  }

  /** Adds the appends since the last snapshot seen; false when that one is no ancestor any more. */
  private boolean catchUp(Table table, Snapshot current) {
    List<Snapshot> newer = new ArrayList<>();
    for (Snapshot s : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
      if (s.snapshotId() == seenSnapshotId) {
        for (int i = newer.size() - 1; i >= 0; i--) {
          if (!add(table, newer.get(i))) {
            return false;
          }
        }
        return true;
      }
      newer.add(s);
    }
    return false;
  }

  /** False when the snapshot removed rows (a delete, a rewrite): the highest offsets must be read again. */
  private boolean add(Table table, Snapshot snapshot) {
    if (!DataOperations.APPEND.equals(snapshot.operation())) {
      return false;
    }
    OffsetRanges ranges = Long.valueOf(snapshot.snapshotId()).equals(stagedSnapshotId) ? stagedRanges
        : OffsetRanges.ofSnapshot(table, snapshot).orElse(null);
    if (ranges == null) {
      return false;
    }
    add(ranges);
    return true;
  }

  private void readLiveFiles(Table table) {
    highest.clear();
    Map<Integer, Long> single = new TreeMap<>();
    List<FileScanTask> mixed = new ArrayList<>();
    try (CloseableIterable<FileScanTask> tasks = table.newScan().includeColumnStats()
        .filter(Expressions.equal("kafka_topic", topic)).planFiles()) {
      for (FileScanTask task : tasks) {
        OffsetRanges.ofFiles(table.schema(), List.of(task.file())).ifPresentOrElse(
            r -> r.byPartition().forEach((p, range) -> single.merge(p, range.last(), Math::max)),
            () -> mixed.add(task));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Set<Integer> unknown = new HashSet<>();
    for (FileScanTask task : mixed) {
      OffsetRanges.FileBounds bounds = OffsetRanges.FileBounds.of(table.schema(), task.file());
      if (bounds.lowPartition() == null || bounds.highPartition() == null || bounds.last() == null) {
        return;
      }
      for (int p = bounds.lowPartition(); p <= bounds.highPartition(); p++) {
        if (!single.containsKey(p) || bounds.last() > single.get(p)) {
          unknown.add(p);
        }
      }
    }
    single.forEach((p, offset) -> {
      if (!unknown.contains(p)) {
        highest.put(p, offset);
      }
    });
  }
}
