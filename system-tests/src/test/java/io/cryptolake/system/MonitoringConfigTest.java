package io.cryptolake.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.proof.Project;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * monitoring/: the alert rules under promtool (syntax and unit tests), the Prometheus configs, the dashboard;
 * and docs/operations.md, the one description of each metric.
 */
class MonitoringConfigTest {
  private static final Pattern METRIC = Pattern.compile("\\bcryptolake_[a-z_]+");

  @Test
  void theAlertRulesPassPromtoolsCheckAndTheirUnitTests() {
    Project.Result check = Project.run(Map.of(), Duration.ofMinutes(1), Project.promtool(), "check", "rules",
        "monitoring/alerts.yml");
    assertEquals(0, check.exit(), check.output());
    assertTrue(check.output().contains("SUCCESS: 8 rules found"), check.output());
    Project.Result test = Project.run(Map.of(), Duration.ofMinutes(1), Project.promtool(), "test", "rules",
        "monitoring/alerts-test.yml");
    assertEquals(0, test.exit(), test.output());
  }

  @Test
  void everyPrometheusConfigIsValid() {
    for (String config : new String[] {"monitoring/prometheus.yml", "monitoring/prometheus-pipeline.yml",
        "docker/prometheus.yml"}) {
      Project.Result check = Project.run(Map.of(), Duration.ofMinutes(1), Project.promtool(), "check", "config",
          "--syntax-only", config);
      assertEquals(0, check.exit(), config + ": " + check.output());
    }
  }

  @Test
  void theRulesAndTheDashboardUseOnlyMetricsTheJobsPublish() {
    Set<String> published = published();
    for (String file : new String[] {"monitoring/alerts.yml", "monitoring/grafana-dashboard.json"}) {
      Set<String> used = used(Project.read(file));
      used.removeAll(published);
      assertEquals(Set.of(), used, file + " uses metrics no job publishes");
    }
  }

  @Test
  void theDashboardShowsEveryMetricTheJobsPublish() {
    Set<String> missing = published();
    missing.removeAll(used(Project.read("monitoring/grafana-dashboard.json")));
    assertEquals(Set.of(), missing);
  }

  @Test
  void theOperationsGuideDescribesEveryMetricTheJobsPublish() {
    Set<String> missing = published();
    missing.removeAll(used(Project.read("docs/operations.md")));
    assertEquals(Set.of(), missing, "metrics without a row in docs/operations.md");
  }

  /** The Prometheus names of the jobs' metrics, after monitoring/prometheus.yml's relabelling. */
  static Set<String> published() {
    Set<String> names = Arrays.stream(LakeMetric.values())
        .map(m -> "cryptolake_" + m.metricName() + (m.kind() == LakeMetric.Kind.COUNTER ? "_total" : ""))
        .collect(Collectors.toCollection(TreeSet::new));
    names.add("cryptolake_dlq_rows_total");
    names.add("cryptolake_batch_phase_ms");
    return names;
  }

  private static Set<String> used(String text) {
    Set<String> used = new TreeSet<>();
    Matcher m = METRIC.matcher(text);
    while (m.find()) {
      used.add(m.group());
    }
    return used;
  }
}
