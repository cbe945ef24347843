package io.cryptolake.lake;

import io.cryptolake.metrics.IcebergCommitMetrics;
import io.cryptolake.metrics.LakeMetricsPlugin;
import io.cryptolake.metrics.QueryProgressMetrics;
import io.cryptolake.streaming.InPlaceCheckpointFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the Spark session every job uses: UTC, Iceberg's SQL extensions, the lake's catalog, and S3A for
 * the endpoint. Under spark-submit the master comes from the submit; run directly, it is local.
 */
public final class LakeSession {
  /**
   * Classes of generated code each JVM keeps compiled (Spark's default: 100, least recently used out first). Every
   * query of a JVM shares them, and the five jobs' queries in one JVM use about 130 distinct classes in a round of
   * their batches: with 100 a batch often compiled its code again (in a test JVM running the five jobs, nine
   * compilations in ten were of code compiled before; the local one application's executor compiled 2.4 times the
   * classes). 500 holds them with room for the classes the bars and the gap check make new, and still bounds what
   * the kept classes hold outside the heap (docs/benchmarks.md, round 48).
   */
  static final int CODEGEN_CACHE_ENTRIES = 500;

  private LakeSession() {}

  /** A session for one job, named so it is recognisable in the Spark UI. */
  public static SparkSession forJob(String appName, LakeConfig lake) {
    return forJob(appName, lake, Map.of());
  }

  /** A session with settings of its own on top of the product's ({@code extra}: read when Spark starts). */
  public static SparkSession forJob(String appName, LakeConfig lake, Map<String, String> extra) {
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (!new SparkConf().contains("spark.master")) {
      builder.master("local[2]");
    }
    baseConfig().forEach(builder::config);
    SparkConf submitted = new SparkConf();
    defaults().forEach((key, value) -> builder.config(key, submitted.get(key, value)));
    extra.forEach(builder::config);
    SparkSession spark = builder.getOrCreate();
    attach(spark, lake);
    return spark;
  }

  /** Settings every session of the product has, whatever else it runs. */
  public static Map<String, String> baseConfig() {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.sql.extensions", "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions");
    conf.put("spark.sql.session.timeZone", "UTC");
    conf.put("spark.sql.streaming.stopTimeout", "60s");
    // A batch that is only slow must not fail and start over: a catch-up MERGE of late rows reading hundreds of
    // gold hours on a loaded 2-core cluster took longer than Spark's 300 s to build its broadcast side (soak).
    // Slowness is the batch-duration alert's business.
    conf.put("spark.sql.broadcastTimeout", "3600");
    // Metrics (docs/operations.md): the product's own through a plugin, query progress through a listener,
    // Spark's streaming metrics, all on the driver UI's Prometheus endpoint /metrics/prometheus.
    conf.put("spark.plugins", LakeMetricsPlugin.class.getName());
    conf.put("spark.sql.streaming.streamingQueryListeners", QueryProgressMetrics.class.getName());
    conf.put("spark.sql.streaming.metricsEnabled", "true");
    conf.put("spark.metrics.namespace", "cryptolake");
    // The driver's heap and GC on the same endpoint (jvm_heap_used ...): what a job that runs for months needs.
    conf.put("spark.metrics.conf.driver.source.jvm.class", "org.apache.spark.metrics.source.JvmSource");
    conf.put("spark.metrics.conf.*.sink.prometheusServlet.class", "org.apache.spark.metrics.sink.PrometheusServlet");
    conf.put("spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus");
    return conf;
  }

  /**
   * Settings of the product's own choosing that a submission may set otherwise ({@code --conf k=v}, e.g. through
   * CRYPTOLAKE_SPARK_CONF). One shuffle partition: every job shares a small machine with the others, so its
   * shuffles' parallelism buys nothing while each task costs the same fixed overhead (task (de)serialisation, a
   * Hadoop configuration, a state store and its checkpoint files per partition per batch). Measured on the short
   * soak (five jobs' queries in one session on two cores): the session's CPU 430-445 s with 4, 388 s with 2,
   * 320 s with 1; wall time 260-330 s, 273 s, 224 s. A stateful query keeps the value it started with (Spark
   * stores it in the checkpoint), so existing gold checkpoints go on with theirs.
   *
   * <p>Gold's de-duplication state lives in RocksDB, off the heap, each batch's changes checkpointed as a changelog.
   * Spark's default store copies every key of the state into a new in-heap map at every batch and keeps the two
   * versions before it: at 5,000 trades/s over 10 minutes (one application) the executor's heap peaked at 956 MiB
   * of 1 GB with gold's tasks 35 s in garbage collection, against 663 MiB and 7 s in RocksDB, gold's backlog flat
   * instead of growing and p99 trade time to gold 46 s against 54 s (docs/benchmarks.md, round 30). Like the
   * partitions, the provider is stored in the checkpoint: a gold checkpoint keeps the store it started with.
   */
  public static Map<String, String> defaults() {
    return Map.of("spark.sql.shuffle.partitions", "1",
        "spark.sql.codegen.cache.maxEntries", String.valueOf(CODEGEN_CACHE_ENTRIES),
        // Checkpoint files written in place on S3 instead of a copy-and-delete rename (InPlaceCheckpointFiles).
        "spark.sql.streaming.checkpointFileManagerClass", InPlaceCheckpointFiles.class.getName(),
        "spark.sql.streaming.stateStore.providerClass",
        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider",
        "spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true");
  }

  /** Registers the lake's catalog (and its S3 settings) on a running session. */
  public static void attach(SparkSession spark, LakeConfig lake) {
    catalogConfig(lake).forEach((k, v) -> spark.conf().set(k, v));
    // Data and metadata through S3A with the lake's S3 settings, whatever FileIO a REST catalog's server uses:
    // Iceberg's Hadoop FileIO without S3A's probes (LakeFileIO). A submission's own --conf wins.
    String ioImpl = "spark.sql.catalog." + lake.catalogName() + ".io-impl";
    if (!spark.conf().contains(ioImpl)) {
      spark.conf().set(ioImpl, LakeFileIO.class.getName());
    }
    applyS3(spark.sparkContext().hadoopConfiguration(), lake);
    Path sqlite = lake.sqliteFile();
    if (sqlite != null && sqlite.getParent() != null) {
      try {
        Files.createDirectories(sqlite.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the catalog directory " + sqlite.getParent(), e);
      }
    }
  }

  static Map<String, String> catalogConfig(LakeConfig lake) {
    String prefix = "spark.sql.catalog." + lake.catalogName();
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
    switch (lake.catalogType()) {
      case JDBC -> {
        boolean sqlite = lake.sqliteFile() != null;
        conf.put(prefix + ".catalog-impl", (sqlite ? SqliteJdbcCatalog.class : LakeJdbcCatalog.class).getName());
        conf.put(prefix + ".jdbc.schema-version", "V1");
        // From the environment only, like the S3 keys; Spark's UI redacts settings named *password*.
        String password = System.getenv("CRYPTOLAKE_CATALOG_PASSWORD");
        if (password != null && !password.isEmpty()) {
          conf.put(prefix + ".jdbc.password", password);
        }
        if (sqlite) {
          // Several jobs commit at once: WAL lets readers and one writer proceed together, and a writer
          // waits for another (busy_timeout) instead of failing.
          conf.put(prefix + ".jdbc.journal_mode", "WAL");
          conf.put(prefix + ".jdbc.busy_timeout", "60000");
        }
      }
      case HADOOP -> conf.put(prefix + ".type", "hadoop");
      case REST -> conf.put(prefix + ".type", "rest");
    }
    if (lake.catalogUri() != null && lake.catalogType() != LakeConfig.CatalogType.HADOOP) {
      conf.put(prefix + ".uri", lake.catalogUri());
    }
    conf.put(prefix + ".warehouse", lake.warehouse());
    // Several queries of one session read and write the same tables: always see the latest commit.
    conf.put(prefix + ".cache-enabled", "false");
    // Manifests never change once written: keep what the driver read (a streaming read's offset and its planning,
    // every bars batch's read of gold, read the same ones) in memory, at most 32 MB. Five applications at 2,000
    // trades/s: p99 trade time to gold 90 s against 139 s without it (docs/benchmarks.md, round 10).
    conf.put(prefix + "." + CatalogProperties.IO_MANIFEST_CACHE_ENABLED, "true");
    conf.put(prefix + "." + CatalogProperties.IO_MANIFEST_CACHE_MAX_TOTAL_BYTES, String.valueOf(32L << 20));
    conf.put(prefix + ".metrics-reporter-impl", IcebergCommitMetrics.class.getName());
    return conf;
  }

  /** Hadoop's configuration for the lake's file systems (S3 endpoint, credentials), without a Spark session. */
  public static Configuration hadoopConfiguration(LakeConfig lake) {
    Configuration hadoop = new Configuration();
    applyS3(hadoop, lake);
    return hadoop;
  }

  static void applyS3(Configuration hadoop, LakeConfig lake) {
    if (lake.s3Endpoint() != null && !lake.s3Endpoint().isBlank()) {
      hadoop.set("fs.s3a.endpoint", lake.s3Endpoint());
      hadoop.setBoolean("fs.s3a.connection.ssl.enabled", lake.s3Endpoint().startsWith("https"));
    }
    hadoop.set("fs.s3a.endpoint.region", lake.s3Region());
    hadoop.setBoolean("fs.s3a.path.style.access", lake.s3PathStyle());
    // Hadoop 3.4.3's S3A may read through AWS's analytics accelerator stream; the lake's reads (LakeFileIO's ranges
    // for Parquet, whole files for metadata) were measured on the classic stream, which stays.
    hadoop.setIfUnset("fs.s3a.input.stream.type", "classic");
    String accessKey = System.getenv("AWS_ACCESS_KEY_ID");
    String secretKey = System.getenv("AWS_SECRET_ACCESS_KEY");
    if (accessKey != null && secretKey != null) {
      hadoop.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
      hadoop.set("fs.s3a.access.key", accessKey);
      hadoop.set("fs.s3a.secret.key", secretKey);
    }
  }

  /** For in-process use (tests, the embedded run) where the keys are known but not in the environment. */
  public static void useS3Credentials(SparkSession spark, String accessKey, String secretKey) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    hadoop.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    hadoop.set("fs.s3a.access.key", accessKey);
    hadoop.set("fs.s3a.secret.key", secretKey);
  }
}
