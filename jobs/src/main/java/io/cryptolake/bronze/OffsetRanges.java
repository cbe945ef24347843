package io.cryptolake.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import java.nio.ByteBuffer;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.ContentFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotChanges;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Per Kafka partition, the offsets some bronze rows hold: the first, the last and how many. Read from the data
 * files' column statistics (Iceberg keeps each column's bounds per file), so a batch's ranges cost no pass over
 * its rows: a task of Spark's Kafka source reads one partition and bronze has no shuffle, so each file bronze
 * writes holds one Kafka partition. A file that holds several (compaction merges them) gives no ranges.
 */
record OffsetRanges(Map<Integer, Range> byPartition, Instant newest) {

  /** Offsets first..last of a partition, {@code rows} of them present. */
  record Range(long first, long last, long rows) {
    Range merge(Range other) {
      return new Range(Math.min(first, other.first), Math.max(last, other.last), rows + other.rows);
    }
  }

  static final OffsetRanges NONE = new OffsetRanges(Map.of(), null);

  /** One data file's statistics on the Kafka columns; null where the file has none. */
  record FileBounds(Integer lowPartition, Integer highPartition, Long first, Long last, Long newestMicros) {
    static FileBounds of(Schema schema, ContentFile<?> file) {
      return new FileBounds(bound(file.lowerBounds(), schema, "kafka_partition"),
          bound(file.upperBounds(), schema, "kafka_partition"), bound(file.lowerBounds(), schema, "kafka_offset"),
          bound(file.upperBounds(), schema, "kafka_offset"), bound(file.upperBounds(), schema, "kafka_timestamp"));
    }

    boolean onePartition() {
      return lowPartition != null && lowPartition.equals(highPartition) && first != null && last != null;
    }
  }

  /** The ranges of data files of a bronze table; empty when a file lacks bounds or holds several partitions. */
  static Optional<OffsetRanges> ofFiles(Schema schema, Iterable<? extends ContentFile<?>> files) {
    Map<Integer, Range> ranges = new TreeMap<>();
    Instant newest = null;
    for (ContentFile<?> file : files) {
      if (file.recordCount() == 0) {
        continue;
      }
      FileBounds bounds = FileBounds.of(schema, file);
      if (!bounds.onePartition()) {
        return Optional.empty();
      }
      ranges.merge(bounds.lowPartition(), new Range(bounds.first(), bounds.last(), file.recordCount()), Range::merge);
      if (bounds.newestMicros() != null) {
        Instant time = Instant.EPOCH.plusNanos(bounds.newestMicros() * 1_000);
        newest = newest == null || time.isAfter(newest) ? time : newest;
      }
    }
    return Optional.of(new OffsetRanges(ranges, newest));
  }

  /** The ranges of the data files a snapshot added (a staged one too). */
  static Optional<OffsetRanges> ofSnapshot(Table table, Snapshot snapshot) {
    return ofFiles(table.schema(), SnapshotChanges.builderFor(table).snapshot(snapshot).build().addedDataFiles());
  }

  /** The same figures from the rows themselves: a pass over them, for files that hold several partitions. */
  static OffsetRanges ofRows(Dataset<Row> rows) {
    Map<Integer, Range> ranges = new TreeMap<>();
    Instant newest = null;
    for (Row r : rows.groupBy("kafka_partition").agg(min("kafka_offset"), max("kafka_offset"), count("*"),
        max(col("kafka_timestamp"))).collectAsList()) {
      ranges.put(r.getInt(0), new Range(r.getLong(1), r.getLong(2), r.getLong(3)));
      Timestamp time = r.getTimestamp(4);
      if (time != null && (newest == null || time.toInstant().isAfter(newest))) {
        newest = time.toInstant();
      }
    }
    return new OffsetRanges(ranges, newest);
  }

  long rows() {
    return byPartition.values().stream().mapToLong(Range::rows).sum();
  }

  @SuppressWarnings("unchecked")
  private static <T> T bound(Map<Integer, ByteBuffer> bounds, Schema schema, String column) {
    Types.NestedField field = schema.findField(column);
    ByteBuffer value = bounds == null ? null : bounds.get(field.fieldId());
    return value == null ? null : (T) Conversions.fromByteBuffer((Type) field.type(), value);
  }
}
