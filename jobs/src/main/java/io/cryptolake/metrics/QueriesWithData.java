package io.cryptolake.metrics;

import com.codahale.metrics.DefaultSettableGauge;
import java.util.Arrays;
import org.apache.spark.sql.SparkSession;

/**
 * How many of the job's streaming queries have data to read, read live from each query's status when the
 * gauge is read. Progress events cannot say it: a query inside a long batch reports nothing until the batch
 * ends, and an Iceberg source reports no offsets behind latest. Spark marks a query's status as having data
 * while it plans and runs a batch of new data, so a job whose gauge stays 0 has read all its sources had.
 */
final class QueriesWithData extends DefaultSettableGauge<Double> {
  /**
   * Set once a query has started ({@link QueryProgressMetrics#onQueryStarted}): asking the session for its
   * queries before then would create its query manager on the metrics servlet's thread, which fails.
   */
  private static volatile boolean queriesStarted;

  /** The job whose queries count (JobMetrics#jobOfQuery); null: the JVM's own, every query of the session. */
  private final String job;

  QueriesWithData(String job) {
    super(0.0);
    this.job = job;
  }

  static void queryStarted() {
    queriesStarted = true;
  }

  @Override
  public Double getValue() {
    var spark = SparkSession.getDefaultSession();
    return !queriesStarted || spark.isEmpty() ? 0.0 : (double) Arrays.stream(spark.get().streams().active())
        .filter(query -> job == null || job.equals(JobMetrics.jobOfQuery(query.name())))
        .filter(query -> query.status().isDataAvailable()).count();
  }
}
