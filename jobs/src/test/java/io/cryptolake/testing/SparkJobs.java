package io.cryptolake.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;

/** How many Spark jobs a piece of driver code starts, as Spark's listener bus reports them. */
public final class SparkJobs {
  private static final String TAG = "cryptolake.test.jobs-counted";

  private SparkJobs() {}

  /** What an action returned, and how many Spark jobs it started. */
  public record Counted<T>(T result, long jobs) {}

  /** Runs {@code action} on this thread and counts the Spark jobs it started (jobs of other threads are not). */
  public static <T> Counted<T> counting(SparkSession spark, Supplier<T> action) {
    List<String> tags = new CopyOnWriteArrayList<>();
    SparkListener listener = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart start) {
        String tag = start.properties() == null ? null : start.properties().getProperty(TAG);
        if (tag != null) {
          tags.add(tag);
        }
      }
    };
    spark.sparkContext().addSparkListener(listener);
    try {
      spark.sparkContext().setLocalProperty(TAG, "counted");
      T result = action.get();
      // The listener hears of jobs in order: once it has heard of this one, it has heard of the action's.
      spark.sparkContext().setLocalProperty(TAG, "sentinel");
      spark.range(1).count();
      await("the listener heard of the sentinel job").atMost(Duration.ofSeconds(30))
          .until(() -> tags.contains("sentinel"));
      return new Counted<>(result, tags.stream().filter("counted"::equals).count());
    } finally {
      spark.sparkContext().setLocalProperty(TAG, null);
      spark.sparkContext().removeSparkListener(listener);
    }
  }
}
