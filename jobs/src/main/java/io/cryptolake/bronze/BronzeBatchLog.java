package io.cryptolake.bronze;

import io.cryptolake.metrics.QueryProgressMetrics;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A line per bronze batch, like silver's and gold's: bronze writes through Iceberg's sink, with no code of
 * ours per batch, so the line comes from the query's progress. {@code make status} shows the last one.
 */
final class BronzeBatchLog extends StreamingQueryListener {
  private static final Logger LOG = LoggerFactory.getLogger(BronzeBatchLog.class);
  private static final Set<String> INSTALLED = ConcurrentHashMap.newKeySet();

  private final String queryName;

  private BronzeBatchLog(String queryName) {
    this.queryName = queryName;
  }

  /** Once per query name and JVM: a restarted query keeps its one listener. */
  static void install(SparkSession spark, String queryName) {
    if (INSTALLED.add(queryName)) {
      spark.streams().addListener(new BronzeBatchLog(queryName));
    }
  }

  @Override
  public void onQueryProgress(QueryProgressEvent event) {
    StreamingQueryProgress progress = event.progress();
    if (queryName.equals(progress.name()) && progress.numInputRows() > 0) {
      LOG.info("{} batch {}: {} rows in, appended to bronze in {} ms; {} offsets behind Kafka's latest", queryName,
          progress.batchId(), progress.numInputRows(), progress.batchDuration(),
          QueryProgressMetrics.offsetsBehind(progress));
    }
  }

  @Override
  public void onQueryStarted(QueryStartedEvent event) {}

  @Override
  public void onQueryIdle(QueryIdleEvent event) {}

  @Override
  public void onQueryTerminated(QueryTerminatedEvent event) {}
}
