package io.cryptolake.metrics;

import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * Spark plugin ({@code spark.plugins}) that publishes {@link JobMetrics} through Spark's metrics system, so
 * every sink configured there (Prometheus servlet, JMX, Graphite...) carries them, under
 * {@code <namespace>.driver.plugin.io.cryptolake.metrics.LakeMetricsPlugin.<name>}.
 */
public final class LakeMetricsPlugin implements SparkPlugin {
  @Override
  public DriverPlugin driverPlugin() {
    return new DriverPlugin() {
      @Override
      public Map<String, String> init(SparkContext sc, PluginContext context) {
        JobMetrics.registerInto(context.metricRegistry());
        return Map.of();
      }
    };
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return null;
  }
}
