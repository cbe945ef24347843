package io.cryptolake.metrics;

import org.apache.iceberg.metrics.CommitMetricsResult;
import org.apache.iceberg.metrics.CommitReport;
import org.apache.iceberg.metrics.CounterResult;
import org.apache.iceberg.metrics.MetricsReport;
import org.apache.iceberg.metrics.MetricsReporter;
import org.apache.iceberg.metrics.ScanReport;

/**
 * Iceberg's metrics reporter (catalog property {@code metrics-reporter-impl}): every commit the job makes
 * reports its duration and the files and bytes it added; every batch scan, the data files it planned to read
 * (a check that should read a few partitions and reads the whole table shows here).
 */
public final class IcebergCommitMetrics implements MetricsReporter {
  @Override
  public void report(MetricsReport report) {
    if (report instanceof ScanReport scan) {
      JobMetrics.add(LakeMetric.ICEBERG_FILES_SCANNED, count(scan.scanMetrics().resultDataFiles()));
      return;
    }
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
