package io.cryptolake.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.proof.Project;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker/ cannot run on the project's machines, so it is held to the configuration the Makefile and
 * bin/cluster use: config/local.env (ports, credentials, paths), the Makefile's job list, the pom's server
 * versions, and monitoring/prometheus.yml and prometheus-pipeline.yml; both of its profiles (the five
 * applications, the one application) are held to them. Any drift fails here, naming what differs.
 */
class DeploymentConfigDriftTest {
  private static final Map<String, String> ENV = Project.localEnv();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> services() {
    Map<String, Object> compose = new Yaml().load(Project.read("docker/compose.yaml"));
    return (Map<String, Object>) compose.get("services");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> service(String name) {
    Map<String, Object> service = (Map<String, Object>) services().get(name);
    assertTrue(service != null, "docker/compose.yaml has no service " + name);
    return service;
  }

  @SuppressWarnings("unchecked")
  private static List<String> ports(String name) {
    return (List<String>) service(name).getOrDefault("ports", List.of());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> environment(String name) {
    Map<String, String> env = new LinkedHashMap<>();
    ((Map<String, Object>) service(name).getOrDefault("environment", Map.of()))
        .forEach((k, v) -> env.put(k, String.valueOf(v)));
    return env;
  }

  private static String pomProperty(String name) {
    Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</").matcher(Project.read("pom.xml"));
    assertTrue(m.find(), "pom.xml has no property " + name);
    return m.group(1);
  }

  @Test
  void everyStreamingJobIsAServiceRunningItsScriptOnItsUiPortWithTheLocalConfiguration() {
    for (String job : Project.streamingJobs()) {
      assertEquals(List.of("five-applications"), service(job).get("profiles"), job);
    }
    assertEquals(List.of("one-application"), service("pipeline").get("profiles"));
    assertEquals(List.of("five-applications"), service("prometheus").get("profiles"));
    assertEquals(List.of("one-application"), service("prometheus-pipeline").get("profiles"));
    assertEquals(ports("prometheus"), ports("prometheus-pipeline"));
    List<String> apps = new ArrayList<>(Project.streamingJobs());
    apps.add("pipeline");
    for (String job : apps) {
      Map<String, Object> service = service(job);
      assertEquals(List.of("/opt/cryptolake/spark-submit/" + job + ".sh"), service.get("command"), job);
      String port = ENV.get(Project.uiPortVariable(job));
      assertEquals(List.of(port + ":" + port), ports(job), job + "'s UI and metrics port");
      assertEquals("../config/local.env", service.get("env_file"), job + " reads config/local.env");
      List<String> overridden = new ArrayList<>(environment(job).keySet());
      overridden.retainAll(ENV.keySet());
      assertEquals(List.of(), overridden, job + " overrides config/local.env instead of reading it");
    }
  }

  @Test
  void theServersAndSparkPublishTheLocalPortsAndShareTheCredentials() {
    assertTrue(ports("kafka").contains(ENV.get("CRYPTOLAKE_KAFKA_PORT") + ":9092"), "kafka " + ports("kafka"));
    assertTrue(ports("minio").contains(ENV.get("CRYPTOLAKE_S3_PORT") + ":9000"), "minio " + ports("minio"));
    assertTrue(ports("schema-registry").contains(ENV.get("CRYPTOLAKE_REGISTRY_PORT") + ":8080"));
    assertTrue(ports("postgres").contains(ENV.get("CRYPTOLAKE_POSTGRES_PORT") + ":5432"),
        "postgres " + ports("postgres"));
    assertEquals("postgres", ENV.get("CRYPTOLAKE_CATALOG_SERVER"), "the local cluster's catalog is PostgreSQL too");
    String catalog = "jdbc:postgresql://postgres:5432/" + environment("postgres").get("POSTGRES_DB") + "?user="
        + environment("postgres").get("POSTGRES_USER");
    assertTrue(Project.read("docker/compose.yaml").contains("CRYPTOLAKE_CATALOG_URI: " + catalog + "\n"),
        "the jobs' catalog is the postgres service: " + catalog);
    assertTrue(ports("spark-master").contains(ENV.get("CRYPTOLAKE_SPARK_MASTER_PORT") + ":7077"));
    String masterUi = ENV.get("CRYPTOLAKE_SPARK_MASTER_UI_PORT");
    assertTrue(ports("spark-master").contains(masterUi + ":" + masterUi));
    assertTrue(ports("prometheus").contains(ENV.get("CRYPTOLAKE_PROMETHEUS_PORT") + ":9090"));
    int workerUi = Integer.parseInt(ENV.get("CRYPTOLAKE_SPARK_WORKER_UI_PORT"));
    for (int i = 1; i <= 2; i++) {
      String name = "spark-worker-" + i;
      String ui = String.valueOf(workerUi + i - 1);
      assertEquals(List.of(ui + ":" + ui), ports(name), name);
      String command = (String) service(name).get("command");
      assertTrue(command.contains("--cores " + ENV.get("CRYPTOLAKE_WORKER_CORES") + " ")
          && command.contains("--memory " + ENV.get("CRYPTOLAKE_WORKER_MEMORY") + " ")
          && command.contains("--webui-port " + ui + " "), name + ": " + command);
    }
    assertEquals(ENV.get("AWS_ACCESS_KEY_ID"), environment("minio").get("MINIO_ROOT_USER"));
    assertEquals(ENV.get("AWS_SECRET_ACCESS_KEY"), environment("minio").get("MINIO_ROOT_PASSWORD"));
    String init = String.valueOf(service("minio-init").get("command"));
    assertTrue(init.contains(ENV.get("AWS_ACCESS_KEY_ID") + " " + ENV.get("AWS_SECRET_ACCESS_KEY"))
        && init.contains("lake/" + ENV.get("CRYPTOLAKE_S3_BUCKET")), init);
    assertTrue(ENV.get("CRYPTOLAKE_WAREHOUSE").startsWith("s3a://" + ENV.get("CRYPTOLAKE_S3_BUCKET") + "/"));
  }

  @Test
  void theImagesAreTheVersionsThePomPins() {
    assertEquals("apache/kafka:" + pomProperty("kafka-broker.version"), service("kafka").get("image"));
    assertEquals("apicurio/apicurio-registry-mem:" + pomProperty("apicurio.version"),
        service("schema-registry").get("image"));
    String postgres = pomProperty("postgres-binaries.version");
    assertEquals("postgres:" + postgres.substring(0, postgres.lastIndexOf('.')), service("postgres").get("image"),
        "the PostgreSQL release the local servers run");
    String spark = "apache/spark:" + pomProperty("spark.version") + "-scala" + pomProperty("scala.binary.version")
        + "-java17-ubuntu";
    for (String name : List.of("spark-master", "spark-worker-1", "spark-worker-2")) {
      assertEquals(spark, service(name).get("image"), name);
    }
    for (String job : Project.streamingJobs()) {
      assertEquals(spark, service(job).get("image"), job);
    }
    assertEquals(spark, service("pipeline").get("image"));
    assertEquals(service("prometheus").get("image"), service("prometheus-pipeline").get("image"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void dockersPrometheusScrapesEveryJobAsTheLocalOneDoes() {
    Map<String, Object> local = new Yaml().load(Project.read("monitoring/prometheus.yml"));
    Map<String, Object> docker = new Yaml().load(Project.read("docker/prometheus.yml"));
    List<Map<String, Object>> localJobs = (List<Map<String, Object>>) local.get("scrape_configs");
    List<Map<String, Object>> dockerJobs = (List<Map<String, Object>>) docker.get("scrape_configs");
    assertEquals(Project.streamingJobs(), localJobs.stream().map(j -> j.get("job_name")).toList());
    assertEquals(Project.streamingJobs(), dockerJobs.stream().map(j -> j.get("job_name")).toList());
    for (int i = 0; i < localJobs.size(); i++) {
      String job = (String) localJobs.get(i).get("job_name");
      String port = ENV.get(Project.uiPortVariable(job));
      assertEquals(List.of("127.0.0.1:" + port), targets(localJobs.get(i)), job);
      assertEquals(List.of(job + ":" + port), targets(dockerJobs.get(i)), job);
      assertEquals(withoutTargets(localJobs.get(i)), withoutTargets(dockerJobs.get(i)),
          job + ": metrics path and relabelling");
    }
    assertEquals(local.get("rule_files"), docker.get("rule_files"));
    assertEquals(local.get("global"), docker.get("global"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void thePipelinesPrometheusScrapesItsPortAndRelabelsAsTheFiveJobsDo() {
    Map<String, Object> local = new Yaml().load(Project.read("monitoring/prometheus.yml"));
    Map<String, Object> pipeline = new Yaml().load(Project.read("monitoring/prometheus-pipeline.yml"));
    Map<String, Object> five = ((List<Map<String, Object>>) local.get("scrape_configs")).get(0);
    List<Map<String, Object>> scrapes = (List<Map<String, Object>>) pipeline.get("scrape_configs");
    assertEquals(1, scrapes.size());
    Map<String, Object> one = scrapes.get(0);
    assertEquals("pipeline", one.get("job_name"));
    assertEquals(List.of("127.0.0.1:" + ENV.get(Project.uiPortVariable("pipeline"))), targets(one));
    assertEquals(five.get("metrics_path"), one.get("metrics_path"));
    List<Object> fiveRules = (List<Object>) five.get("metric_relabel_configs");
    List<Object> rules = (List<Object>) one.get("metric_relabel_configs");
    // Its own rules first (the job, layer and exchange from the name), then the five jobs' rules unchanged.
    assertEquals(fiveRules, rules.subList(rules.size() - fiveRules.size(), rules.size()));
    assertEquals(local.get("rule_files"), pipeline.get("rule_files"));
    assertEquals(local.get("global"), pipeline.get("global"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void dockersPipelinePrometheusIsTheLocalOneOnTheComposeHost() {
    Map<String, Object> local = new Yaml().load(Project.read("monitoring/prometheus-pipeline.yml"));
    Map<String, Object> docker = new Yaml().load(Project.read("docker/prometheus-pipeline.yml"));
    Map<String, Object> localScrape = ((List<Map<String, Object>>) local.get("scrape_configs")).get(0);
    Map<String, Object> dockerScrape = ((List<Map<String, Object>>) docker.get("scrape_configs")).get(0);
    assertEquals(List.of("pipeline:" + ENV.get(Project.uiPortVariable("pipeline"))), targets(dockerScrape));
    assertEquals(withoutTargets(localScrape), withoutTargets(dockerScrape), "metrics path and relabelling");
    local.remove("scrape_configs");
    docker.remove("scrape_configs");
    assertEquals(local, docker, "rule files and intervals");
  }

  /** A scrape config but its targets: what the local and the compose file's must share. */
  private static Map<String, Object> withoutTargets(Map<String, Object> scrape) {
    Map<String, Object> rest = new LinkedHashMap<>(scrape);
    rest.remove("static_configs");
    return rest;
  }

  @SuppressWarnings("unchecked")
  private static List<String> targets(Map<String, Object> scrape) {
    return ((List<Map<String, Object>>) scrape.get("static_configs")).stream()
        .flatMap(c -> ((List<String>) c.get("targets")).stream()).toList();
  }
}
