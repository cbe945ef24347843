package io.cryptolake.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.proof.Project;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * kubernetes/ cannot be run here (no cluster), so it is held to what can: every manifest is valid YAML, names
 * the same jobs, classes, arguments and ports as spark-submit/ and config/local.env, runs the image
 * docker/Dockerfile builds on the pom's Spark, and tells each job the same settings, all documented; the
 * one-application overlay (kubernetes/one-application/) runs spark-submit/pipeline.sh's application the same
 * way, with the same settings.
 */
class KubernetesManifestsTest {
  private static final Map<String, String> LOCAL = Project.localEnv();
  private static final Pattern SCRIPT = Pattern.compile("submit\\.sh\" (\\S+) (\\S+)(.*) \"\\$@\"");

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String file) {
    return (Map<String, Object>) new Yaml().load(Project.read(file));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String key) {
    Object value = parent.get(key);
    assertTrue(value instanceof Map, key + " is not a mapping in " + parent.keySet());
    return (Map<String, Object>) value;
  }

  private static Map<String, String> clusterEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Project.read("kubernetes/settings/cluster.env").split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    return env;
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyStreamingJobIsASparkApplicationRunningWhatItsScriptRuns() {
    List<String> jobs = Project.streamingJobs();
    List<String> resources = (List<String>) yaml("kubernetes/kustomization.yaml").get("resources");
    List<String> expected = new ArrayList<>(List.of("settings"));
    jobs.stream().map(job -> job + ".yaml").forEach(expected::add);
    assertEquals(expected, resources, "kustomization.yaml's resources");
    for (String job : jobs) {
      assertRunsItsScript(job, yaml("kubernetes/" + job + ".yaml"));
    }
  }

  @Test
  @SuppressWarnings("unchecked")
  void theOneApplicationOverlayRunsThePipelineScriptsApplicationWithTheJobsTriggerAndItsCores() {
    assertEquals(List.of("../settings", "pipeline.yaml"),
        yaml("kubernetes/one-application/kustomization.yaml").get("resources"));
    Map<String, Object> app = yaml("kubernetes/one-application/pipeline.yaml");
    assertRunsItsScript("pipeline", app);
    // No trigger of its own: the jobs' default serves both deployments, as pipeline.sh leaves it.
    assertFalse(Project.read("spark-submit/pipeline.sh").contains("CRYPTOLAKE_TRIGGER_INTERVAL"));
    assertNull(map(map(app, "spec"), "driver").get("env"), "the one application's driver sets no env");
    // The local cluster's executors: their cores each, and as many as its cores in all need.
    int executorCores = Integer.parseInt(LOCAL.get("CRYPTOLAKE_EXECUTOR_CORES_PIPELINE"));
    Map<String, Object> executor = map(map(app, "spec"), "executor");
    assertEquals(executorCores, executor.get("cores"), "the local cluster's cores per executor");
    assertEquals(Integer.parseInt(LOCAL.get("CRYPTOLAKE_MAX_CORES_PIPELINE")) / executorCores,
        executor.get("instances"), "the local cluster's cores in all");
  }

  /** A SparkApplication that runs what spark-submit/APP.sh runs: class, arguments, jar, ports, logging, settings. */
  @SuppressWarnings("unchecked")
  private static void assertRunsItsScript(String job, Map<String, Object> app) {
    String pomSpark = Project.read("pom.xml").replaceFirst("(?s).*<spark.version>([^<]+)</spark.version>.*", "$1");
    String dockerfile = Project.read("docker/Dockerfile");
    assertTrue(dockerfile.contains("FROM apache/spark:" + pomSpark + "-scala2.13-java17-ubuntu\n"), dockerfile);
    assertEquals("SparkApplication", app.get("kind"), job);
    assertEquals("sparkoperator.k8s.io/v1beta2", app.get("apiVersion"), job);
    assertEquals(job, map(app, "metadata").get("name"));
    Map<String, Object> spec = map(app, "spec");
    assertEquals("cluster", spec.get("mode"), job);
    assertEquals(pomSpark, spec.get("sparkVersion"), job);

    Matcher script = SCRIPT.matcher(Project.read("spark-submit/" + job + ".sh"));
    assertTrue(script.find(), "spark-submit/" + job + ".sh submits through submit.sh");
    assertEquals(job, script.group(1));
    assertEquals(script.group(2), spec.get("mainClass"), job + "'s class");
    List<String> scriptArgs = script.group(3).isBlank() ? List.of()
        : Arrays.asList(script.group(3).trim().split(" "));
    assertEquals(scriptArgs, spec.getOrDefault("arguments", List.of()), job + "'s arguments");

    String jar = ((String) spec.get("mainApplicationFile")).replaceFirst("^local://", "");
    assertTrue(dockerfile.contains("COPY jobs/target/cryptolake-jobs.jar " + jar + "\n"),
        job + ": the image has " + jar);
    Map<String, Object> conf = map(spec, "sparkConf");
    String port = LOCAL.get(Project.uiPortVariable(job));
    assertEquals(port, conf.get("spark.ui.port"), job + "'s UI and metrics port");
    assertEquals("0", conf.get("spark.port.maxRetries"), job + ": a taken port fails instead of moving");
    for (String side : List.of("driver", "executor")) {
      String log4j = (String) conf.get("spark." + side + ".extraJavaOptions");
      String file = log4j.replaceFirst(".*-Dlog4j2.configurationFile=(\\S+).*", "$1");
      assertTrue(dockerfile.contains("COPY spark-submit/log4j2.properties " + file + "\n"), job + " " + side);
      List<Map<String, Object>> envFrom = (List<Map<String, Object>>) map(spec, side).get("envFrom");
      assertEquals(List.of(Map.of("configMapRef", Map.of("name", "cryptolake-config")),
          Map.of("secretRef", Map.of("name", "cryptolake-credentials"))), envFrom, job + " " + side + " settings");
    }
    Map<String, Object> annotations = map(map(spec, "driver"), "annotations");
    assertEquals(port, annotations.get("prometheus.io/port"), job);
    assertEquals("/metrics/prometheus/", annotations.get("prometheus.io/path"), job);
  }

  @Test
  @SuppressWarnings("unchecked")
  void theJobsSettingsAreLocalEnvsWithTheClustersHostsAndEveryOneIsDocumented() {
    Map<String, Object> generator = ((List<Map<String, Object>>) yaml("kubernetes/settings/kustomization.yaml")
        .get("configMapGenerator")).get(0);
    assertEquals("cryptolake-config", generator.get("name"));
    assertEquals(List.of("cluster.env"), generator.get("envs"));

    Map<String, String> cluster = clusterEnv();
    for (String same : List.of("CRYPTOLAKE_WAREHOUSE", "CRYPTOLAKE_CHECKPOINT_ROOT")) {
      assertEquals(LOCAL.get(same), cluster.get(same), same + " as on the local cluster");
    }
    assertTrue(cluster.get("CRYPTOLAKE_CATALOG_URI").startsWith("jdbc:postgresql://"),
        "a catalog every driver pod reaches over the network: " + cluster.get("CRYPTOLAKE_CATALOG_URI"));
    String configuration = Project.read("docs/configuration.md");
    List<String> undocumented = new ArrayList<>();
    cluster.keySet().stream().filter(name -> !configuration.contains("`" + name + "`")).forEach(undocumented::add);
    assertEquals(List.of(), undocumented, "kubernetes/settings/cluster.env variables missing from docs/configuration.md");
    assertTrue(cluster.keySet().stream().noneMatch(name -> name.startsWith("AWS_") || name.contains("PASSWORD")),
        "credentials belong in the Secret, not the ConfigMap: " + cluster.keySet());
  }
}
