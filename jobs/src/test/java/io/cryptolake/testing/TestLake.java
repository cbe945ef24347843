package io.cryptolake.testing;

import io.cryptolake.cli.DurationConverter;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.localstack.LocalServers;
import io.cryptolake.localstack.SharedLocalServers;
import io.cryptolake.streaming.StreamConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * The one Spark session and the one set of local servers of a test run, and fresh, isolated lakes on them:
 * each lake has its own catalog name, SQLite file, warehouse and checkpoint root.
 */
public final class TestLake {
  private static SparkSession spark;

  private TestLake() {}

  public static LocalServers servers() {
    return SharedLocalServers.get();
  }

  public static synchronized SparkSession spark() {
    if (spark == null) {
      LocalServers servers = servers();
      SparkSession.Builder builder = SparkSession.builder().appName("cryptolake-tests").master("local[2]")
          .config("spark.ui.enabled", "false")
          .config("spark.driver.host", "127.0.0.1")
          .config("spark.sql.streaming.minBatchesToRetain", "10");
      LakeSession.baseConfig().forEach(builder::config);
      LakeSession.defaults().forEach(builder::config);
      spark = builder.getOrCreate();
      LakeSession.useS3Credentials(spark, servers.config().s3AccessKey(), servers.config().s3SecretKey());
    }
    return spark;
  }

  /** Stops whatever streaming query a test left running; does not start Spark for tests that never used it. */
  public static synchronized void stopActiveQueries() {
    if (spark == null) {
      return;
    }
    for (StreamingQuery query : spark.streams().active()) {
      try {
        query.stop();
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IllegalStateException("query " + query.name() + " did not stop", e);
      }
    }
  }

  /** Where a lake's tables and checkpoints go. */
  public enum Storage {
    LOCAL, S3
  }

  /** A new lake named {@code name}: tables in its own catalog, checkpoints beside them. */
  public static Lake lake(String name, Storage storage) {
    Path dir = dir(name);
    var servers = servers().config();
    String s3Root = "s3a://" + servers.bucket() + "/" + name;
    LakeConfig config = (storage == Storage.LOCAL ? LakeConfig.local(dir)
        : LakeConfig.s3(dir, servers.s3Endpoint(), s3Root + "/warehouse")).withCatalogName(name);
    String checkpoints = storage == Storage.LOCAL ? dir.resolve("checkpoints").toUri().toString()
        : s3Root + "/checkpoints";
    LakeSession.attach(spark(), config);
    return new Lake(config, checkpoints, dir);
  }

  /** A lake and where its checkpoints go. */
  public record Lake(LakeConfig config, String checkpointRoot, Path dir) {
    public StreamConfig stream(String trigger) {
      return new StreamConfig(checkpointRoot, DurationConverter.parse(trigger));
    }
  }

  private static Path dir(String name) {
    try {
      Path base = Paths.get(System.getProperty("cryptolake.test.dir", "target/test-data"));
      Files.createDirectories(base);
      return Files.createTempDirectory(base, name + "-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
