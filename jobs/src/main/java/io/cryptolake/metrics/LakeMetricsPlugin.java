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
 * {@code <namespace>.driver.plugin.io.cryptolake.metrics.LakeMetricsPlugin.<name>}; on executors it applies the
 * product's logging ({@link JobLogging}).
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

  /** On executors: the product's logging (their JVMs cannot be pointed at a file of the submitting host). */
  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        JobLogging.applyIfAsked();
      }
    };
  }
}
