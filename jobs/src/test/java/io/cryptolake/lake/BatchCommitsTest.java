package io.cryptolake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Table;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * Issue 13.4: a second copy of a job that got past its checkpoint lease (one that stalled longer than the
 * lease, then woke up in the middle of a batch) must not add that batch twice. Each case holds one copy
 * inside its write, after its check found the batch missing, while the other commits.
 */
class BatchCommitsTest {
  /** Released by the test: the held copy's rows are computed only then (tasks run in this JVM). */
  private static volatile CountDownLatch release;
  private static volatile CountDownLatch writing;

  @Test
  void aSecondCopyOfABatchThatCommitsWhileTheFirstWritesIsNotAddedTwice() throws Exception {
    Table table = table("commits_same_batch");
    CompletableFuture<Boolean> held = holdWrite("commits_same_batch", table, "gold:query-1", 7, 0);
    assertTrue(BatchCommits.appendOnce(ids(100, 200), qualified("commits_same_batch"), table, "gold:query-1", 7, Map.of()));
    release.countDown();
    assertFalse(held.get(2, TimeUnit.MINUTES), "the held copy's batch was already in the table");
    assertEquals(100, rows("commits_same_batch"), "batch 7 once, from the copy that committed first");
    assertEquals(100, rows("commits_same_batch", "id >= 100"));
  }

  @Test
  void anotherWritersCommitInTheMeantimeDoesNotDropTheBatch() throws Exception {
    Table table = table("commits_other_writer");
    CompletableFuture<Boolean> held = holdWrite("commits_other_writer", table, "silver-binance:query-1", 7, 0);
    assertTrue(BatchCommits.appendOnce(ids(100, 200), qualified("commits_other_writer"), table, "silver-kraken:query-2", 7,
        Map.of()));
    release.countDown();
    assertTrue(held.get(2, TimeUnit.MINUTES), "another writer's rows are no reason to drop this batch");
    assertEquals(200, rows("commits_other_writer"));
    // And each batch stays idempotent: the same writer's batch 7 again adds nothing.
    assertFalse(BatchCommits.appendOnce(ids(0, 100), qualified("commits_other_writer"), table, "silver-binance:query-1", 7,
        Map.of()));
    assertEquals(200, rows("commits_other_writer"));
  }

  /**
   * A commit that names its writer but no batch (the DLQ replay's MERGE) is not a batch commit: a writer's check
   * walks past it (it failed with a NumberFormatException once the check read every writer's marker), and it
   * holds nothing back from snapshot expiry.
   */
  @Test
  void aCommitWithAWriterButNoBatchIsPassedOver() throws Exception {
    Table table = table("commits_replay_between");
    assertTrue(BatchCommits.appendOnce(ids(0, 100), qualified("commits_replay_between"), table, "silver-binance:q", 3,
        Map.of()));
    org.apache.iceberg.spark.CommitMetadata.withCommitProperties(Map.of(CommitMarkers.WRITER, CommitMarkers.DLQ_REPLAY),
        () -> {
          ids(100, 110).writeTo(qualified("commits_replay_between")).append();
          return null;
        }, RuntimeException.class);
    assertTrue(BatchCommits.alreadyCommitted(table, "silver-binance:q", 3));
    assertEquals(java.util.List.of("silver-binance:q"), BatchCommits.latestCommits(table).stream()
        .map(c -> c.commit().writer()).toList());
  }

  /** Appends ids 0..99 as {@code writer}'s batch, in the background, its rows held until {@link #release}. */
  private static CompletableFuture<Boolean> holdWrite(String name, Table table, String writer, long batchId, long from)
      throws InterruptedException {
    release = new CountDownLatch(1);
    writing = new CountDownLatch(1);
    Dataset<Row> held = TestLake.spark().range(from, from + 100).repartition(1)
        .mapPartitions((MapPartitionsFunction<Long, Long>) ids -> {
          writing.countDown();
          release.await();
          return ids;
        }, Encoders.LONG()).toDF("id");
    CompletableFuture<Boolean> copy = CompletableFuture.supplyAsync(() -> {
      try {
        return BatchCommits.appendOnce(held, qualified(name), table, writer, batchId, Map.of());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertTrue(writing.await(2, TimeUnit.MINUTES), "the held copy did not start writing");
    return copy;
  }

  /** A table of one column in a lake of its own, made without the staging property the product's tables have. */
  private static Table table(String name) {
    Lake lake = TestLake.lake(name, Storage.LOCAL);
    SparkSession spark = TestLake.spark();
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + name + "." + lake.config().namespace());
    spark.sql("CREATE TABLE " + qualified(name) + " (id BIGINT) USING iceberg TBLPROPERTIES ('format-version'='2')");
    return new LakeCatalog(spark, lake.config()).load("t");
  }

  private static Dataset<Row> ids(long from, long to) {
    return TestLake.spark().range(from, to).toDF("id");
  }

  private static String qualified(String name) {
    return name + ".market_data.t";
  }

  private static long rows(String name) {
    return TestLake.spark().table(qualified(name)).count();
  }

  private static long rows(String name, String where) {
    return TestLake.spark().table(qualified(name)).where(where).count();
  }
}
