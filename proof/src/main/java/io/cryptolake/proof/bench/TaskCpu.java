package io.cryptolake.proof.bench;

import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * The executor CPU of every task that ends while it listens: one stage's work in the benchmark's local Spark
 * session, where nothing else runs. CPU rather than rows/s decides between two versions of a job whose tasks
 * differ in number (one task doing what two did is slower on an idle machine and cheaper on a full one).
 */
final class TaskCpu extends SparkListener implements AutoCloseable {
  private final SparkContext context;
  private final LongAdder nanos = new LongAdder();

  TaskCpu(SparkContext context) {
    this.context = context;
    context.addSparkListener(this);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (end.taskMetrics() != null) {
      nanos.add(end.taskMetrics().executorCpuTime());
    }
  }

  /** Seconds so far, once the listener bus has delivered every event posted before the call. */
  double seconds() throws TimeoutException {
    context.listenerBus().waitUntilEmpty();
    return nanos.sum() / 1e9;
  }

  @Override
  public void close() {
    context.removeSparkListener(this);
  }
}
