package io.cryptolake.metrics;

import org.apache.iceberg.metrics.CommitMetricsResult;
import org.apache.iceberg.metrics.CommitReport;
import org.apache.iceberg.metrics.CounterResult;
import org.apache.iceberg.metrics.MetricsReport;
import org.apache.iceberg.metrics.MetricsReporter;

/**
 * Iceberg's metrics reporter (catalog property {@code metrics-reporter-impl}): every commit the job makes
 * reports its duration and the files and bytes it added. Scan reports are ignored.
 */
public final class IcebergCommitMetrics implements MetricsReporter {
  @Override
  public void report(MetricsReport report) {
    if (!(report instanceof CommitReport commit)) {
      return;
    }
    CommitMetricsResult metrics = commit.commitMetrics();
    JobMetrics.add(LakeMetric.ICEBERG_COMMITS, 1);
    JobMetrics.add(LakeMetric.ICEBERG_FILES_WRITTEN, count(metrics.addedDataFiles()));
    JobMetrics.add(LakeMetric.ICEBERG_BYTES_WRITTEN, count(metrics.addedFilesSizeInBytes()));
    if (metrics.totalDuration() != null) {
      JobMetrics.set(LakeMetric.ICEBERG_COMMIT_DURATION_MS, metrics.totalDuration().totalDuration().toMillis());
    }
  }

  private static long count(CounterResult result) {
    return result == null ? 0 : result.value();
  }
}
