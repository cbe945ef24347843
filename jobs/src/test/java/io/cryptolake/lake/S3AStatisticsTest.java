package io.cryptolake.lake;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.statistics.IOStatistics;
import org.apache.hadoop.fs.statistics.IOStatisticsSnapshot;
import org.apache.hadoop.fs.statistics.IOStatisticsSupport;
import org.apache.hadoop.fs.statistics.impl.DynamicIOStatisticsBuilder;
import org.apache.hadoop.fs.statistics.impl.IOStatisticsBinding;
import org.junit.jupiter.api.Test;

/**
 * S3A copies a stream's statistics when the stream closes. Hadoop 3.4.2 copied them with a parallel stream on the
 * JVM's common fork-join pool (HADOOP-19712), and a reconcile deadlocked on it: an Iceberg thread closed a
 * manifest's stream while holding the manifest cache's entry, and the common pool's one worker (two cores) was
 * blocked on that entry in the cache's maintenance (docs/reliability.md). A caller cannot finish a parallel stream
 * by itself once another task sits above its own in its queue of the pool; here each statistic's evaluation submits
 * one, as the cache's maintenance did, while every worker of the pool is busy.
 */
class S3AStatisticsTest {
  private static final int COUNTERS = 64;

  @Test
  void aClosedStreamsStatisticsAreCopiedWithoutAFreeThreadInTheCommonPool() throws Exception {
    ForkJoinPool common = ForkJoinPool.commonPool();
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch busy = new CountDownLatch(common.getParallelism());
    for (int i = 0; i < common.getParallelism(); i++) {
      common.execute(() -> {
        busy.countDown();
        awaitQuietly(release);
      });
    }
    ExecutorService closer = Executors.newSingleThreadExecutor();
    try {
      assertTrue(busy.await(60, SECONDS), "the common pool's workers did not start");
      DynamicIOStatisticsBuilder builder = IOStatisticsBinding.dynamicIOStatistics();
      for (int i = 0; i < COUNTERS; i++) {
        builder.withLongFunctionCounter(String.format("counter-%02d", i), key -> {
          common.execute(() -> { });
          return 1L;
        });
      }
      IOStatistics statistics = builder.build();
      Future<IOStatisticsSnapshot> copy = closer.submit(() -> IOStatisticsSupport.snapshotIOStatistics(statistics));
      // A deadlock waits for ever; a minute is its bound here, not a speed: the copy takes milliseconds.
      Map<String, Long> counters = new TreeMap<>(copy.get(60, SECONDS).counters());
      assertEquals(COUNTERS, counters.size());
      counters.forEach((key, value) -> assertEquals(1L, value, key));
    } finally {
      release.countDown();
      closer.shutdownNow();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
