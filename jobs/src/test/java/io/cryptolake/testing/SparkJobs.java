package io.cryptolake.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/** How many Spark jobs a piece of driver code starts, as Spark's listener bus reports them. */
public final class SparkJobs {
  private static final String TAG = "cryptolake.test.jobs-counted";
  /** Spark sets this local property on the thread that runs a streaming query's batches. */
  private static final String QUERY_ID = "sql.streaming.queryId";

  private SparkJobs() {}

  /** What an action returned, how many Spark jobs it started, and how many stages they had between them. */
  public record Counted<T>(T result, long jobs, long stages) {}

  /** Runs {@code action} on this thread and counts the Spark jobs it started (jobs of other threads are not). */
  public static <T> Counted<T> counting(SparkSession spark, Supplier<T> action) {
    List<Integer> stagesPerJob = new CopyOnWriteArrayList<>();
    T result = heard(spark, start -> {
      String tag = start.properties() == null ? null : start.properties().getProperty(TAG);
      if ("counted".equals(tag)) {
        stagesPerJob.add(start.stageInfos().size());
      }
    }, () -> {
      spark.sparkContext().setLocalProperty(TAG, "counted");
      try {
        return action.get();
      } finally {
        spark.sparkContext().setLocalProperty(TAG, null);
      }
    });
    return new Counted<>(result, stagesPerJob.size(), stagesPerJob.stream().mapToLong(Integer::longValue).sum());
  }

  /** The Spark jobs each streaming query (by id) started while {@code action} ran, on any thread. */
  public static Map<String, Long> byQuery(SparkSession spark, Runnable action) {
    Map<String, Long> jobs = new ConcurrentHashMap<>();
    heard(spark, start -> {
      String query = start.properties() == null ? null : start.properties().getProperty(QUERY_ID);
      if (query != null) {
        jobs.merge(query, 1L, Long::sum);
      }
    }, () -> {
      action.run();
      return null;
    });
    return Map.copyOf(jobs);
  }

  /** Runs {@code action} with {@code onJobStart} listening, until the listener has heard of every job it started. */
  private static <T> T heard(SparkSession spark, Consumer<SparkListenerJobStart> onJobStart, Supplier<T> action) {
    List<String> sentinels = new CopyOnWriteArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        String tag = start.properties() == null ? null : start.properties().getProperty(TAG);
        if ("sentinel".equals(tag)) {
          sentinels.add(tag);
        } else {
          onJobStart.accept(start);
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      T result = action.get();
      // The listener hears of jobs in order: once it has heard of this one, it has heard of the action's.
      spark.sparkContext().setLocalProperty(TAG, "sentinel");
      spark.range(1).count();
      await("the listener heard of the sentinel job").atMost(Duration.ofSeconds(30))
          .until(() -> !sentinels.isEmpty());
      return result;
    } finally {
      spark.sparkContext().setLocalProperty(TAG, null);
      spark.sparkContext().removeSparkListener(listener);
    }
  }
}
