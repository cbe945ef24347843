package io.cryptolake.maintain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.lake.BatchCommits;
import io.cryptolake.lake.IcebergStreams;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamingReaders;
import io.cryptolake.streaming.WholeSourceStart;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

/**
 * The jobs' own snapshot expiry on a real lake (S3, the catalog server, Spark's checkpoints, the product's
 * idempotent commits and its Iceberg streaming read): a table with a snapshot age of 1 ms and one snapshot to
 * retain keeps exactly what a stopped writer last committed and what a stopped reader has not read past (with
 * every later snapshot), until the writer's checkpoint is gone; the writer's restart check still finds its batch,
 * and the reader resumes with every row once. The clock margin is zero here so that the run needs no minutes of
 * history. A new reader then still reads the table whole ({@link WholeSourceStart}; Iceberg 1.11 alone starts a
 * new stream at the oldest snapshot left and reads only what it and later ones added: this test failed so).
 */
class SnapshotExpiryTest {
  private static final Duration NO_MARGIN = Duration.ZERO;
  private static final Map<String, Set<Long>> READ = new ConcurrentHashMap<>();

  @Test
  void keepsWhatAStoppedWriterLastCommittedAndWhatAStoppedReaderHasNotReadAndNothingElse() throws Exception {
    Lake lake = TestLake.lake("expiry", Storage.S3);
    LakeCatalog catalog = new LakeCatalog(TestLake.spark(), lake.config());
    String name = Tables.bronzeName(Exchange.BINANCE);
    Table table = catalog.ensure(Tables.bronze(Exchange.BINANCE));
    table.updateProperties().set(TableProperties.MAX_SNAPSHOT_AGE_MS, "1").commit();

    // Two writers: "stopped" (its query's checkpoint stays under the root) commits once between commits of
    // "other", whose query has no checkpoint there.
    String stopped = "stopped:" + checkpointedQueryId(lake, "stopped");
    long offset = 0;
    for (long batch = 0; batch < 2; batch++) {
      offset = append(lake, table, "other:gone", batch, offset);
    }
    offset = append(lake, table, stopped, 7, offset);
    for (long batch = 2; batch < 5; batch++) {
      offset = append(lake, table, "other:gone", batch, offset);
    }
    // A reader reads every row so far (the whole history is there), then stops.
    readAll(lake, name, "reader");
    table.refresh();
    Snapshot readUpTo = table.currentSnapshot();

    BatchCommits.LatestCommit last = BatchCommits.latestCommits(table).stream()
        .filter(c -> c.commit().writer().equals(stopped)).findFirst().orElseThrow();
    List<Long> fromStopped = idsFrom(table, last.snapshot());
    assertEquals(4, fromStopped.size(), "its commit and three later ones");
    SnapshotExpiry.Expired held = SnapshotExpiry.expire(table, readers(lake), NO_MARGIN, 1);
    assertEquals(fromStopped, ids(table), "the writer's latest commit and every later snapshot stay: " + held);
    assertEquals(2, held.expired(), held.toString());
    assertTrue(held.cutoff().heldBy().contains(stopped + " committed its latest batch there"), held.toString());
    assertTrue(BatchCommits.alreadyCommitted(table, stopped, 7), "a restart of the writer still finds its batch");

    // Its checkpoint is deleted (it will never run from it again): only what the reader read up to stays.
    deleteCheckpoint(lake, "stopped");
    SnapshotExpiry.Expired released = SnapshotExpiry.expire(table, readers(lake), NO_MARGIN, 1);
    assertEquals(List.of(readUpTo.snapshotId()), ids(table), released.toString());

    // Three more commits while the reader is stopped: they and the snapshot it read up to stay.
    for (long batch = 5; batch < 8; batch++) {
      offset = append(lake, table, "other:gone", batch, offset);
    }
    List<Long> fromRead = idsFrom(table, readUpTo);
    SnapshotExpiry.Expired behind = SnapshotExpiry.expire(table, readers(lake), NO_MARGIN, 1);
    assertEquals(fromRead, ids(table), behind.toString());
    assertEquals(4, fromRead.size(), "what it read up to and three later commits");
    assertTrue(behind.cutoff().heldBy().contains("reader has not read past them"), behind.toString());

    readAll(lake, name, "reader");
    Set<Long> every = new TreeSet<>();
    for (long o = 0; o < offset; o++) {
      every.add(o);
    }
    assertEquals(every, new TreeSet<>(READ.get("reader")), "the reader read every row once");
    assertEquals(offset, TestLake.spark().table(lake.config().qualified(name)).count(), "the table has every row");

    // A new reader (a rebuild's, on an empty checkpoint) now that most of the history is gone: every row once
    // too. Iceberg alone would start it at the oldest snapshot left and read only what it and later ones added.
    readAll(lake, name, "new-reader");
    assertEquals(every, new TreeSet<>(READ.get("new-reader")), "a new reader reads the table whole");
  }

  /** The id of a real streaming query that ran once with its checkpoint at {@code <root>/<name>}. */
  private static String checkpointedQueryId(Lake lake, String name) throws Exception {
    StreamingQuery query = TestLake.spark().readStream().format("rate").option("rowsPerSecond", "1").load()
        .writeStream().option("checkpointLocation", lake.checkpointRoot() + "/" + name)
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (rows, id) -> { }).start();
    query.processAllAvailable();
    query.stop();
    return query.id().toString();
  }

  /** A reader: every row of the table it has not read yet, read as the jobs read their sources. */
  private static void readAll(Lake lake, String table, String reader) throws Exception {
    String checkpoint = lake.checkpointRoot() + "/" + reader;
    WholeSourceStart.prepare(TestLake.spark(), lake.config(), checkpoint, List.of(table));
    Set<Long> read = READ.computeIfAbsent(reader, r -> ConcurrentHashMap.newKeySet());
    StreamingQuery query = IcebergStreams.appends(TestLake.spark(), lake.config(), table, 3, Duration.ofMillis(200))
        .writeStream().queryName(reader).option("checkpointLocation", checkpoint)
        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (rows, id) -> {
          for (Row row : rows.select("kafka_offset").collectAsList()) {
            assertTrue(read.add(row.getLong(0)), reader + " read row " + row.getLong(0) + " twice");
          }
        }).start();
    query.processAllAvailable();
    query.stop();
  }

  /** Two rows as the writer's commit of the batch; returns the next offset. */
  private static long append(Lake lake, Table table, String writer, long batch, long offset) throws Exception {
    String name = lake.config().qualified(Tables.bronzeName(Exchange.BINANCE));
    List<Row> rows = new ArrayList<>();
    for (long o = offset; o < offset + 2; o++) {
      Timestamp now = Timestamp.from(Instant.now());
      rows.add(RowFactory.create(("trade-" + o).getBytes(), "BTCUSDT", "expiry", 0, o, now, now,
          Date.valueOf(LocalDate.now())));
    }
    Dataset<Row> frame = TestLake.spark().createDataFrame(rows, TestLake.spark().table(name).schema());
    assertTrue(BatchCommits.appendOnce(frame, name, table, writer, batch, Map.of()), writer + " batch " + batch);
    return offset + 2;
  }

  private static void deleteCheckpoint(Lake lake, String name) throws Exception {
    Path checkpoint = new Path(lake.checkpointRoot() + "/" + name);
    checkpoint.getFileSystem(TestLake.spark().sparkContext().hadoopConfiguration()).delete(checkpoint, true);
  }

  private static StreamingReaders readers(Lake lake) {
    return StreamingReaders.under(lake.checkpointRoot(), TestLake.spark().sparkContext().hadoopConfiguration());
  }

  /** The ids of the snapshot and of every later one on the table's current line, oldest first. */
  private static List<Long> idsFrom(Table table, Snapshot first) {
    table.refresh();
    List<Long> ids = new ArrayList<>();
    for (Snapshot s : SnapshotUtil.currentAncestors(table)) {
      ids.add(0, s.snapshotId());
      if (s.snapshotId() == first.snapshotId()) {
        return ids;
      }
    }
    throw new AssertionError(first.snapshotId() + " is not on the current line of " + table.name());
  }

  /** Every snapshot the table has, oldest first. */
  private static List<Long> ids(Table table) {
    table.refresh();
    List<Long> ids = new ArrayList<>();
    for (Snapshot s : table.snapshots()) {
      ids.add(s.snapshotId());
    }
    return ids;
  }
}
