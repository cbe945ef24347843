package io.cryptolake.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.relocated.com.google.common.collect.Lists;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * The lake's catalog keeps the manifests its driver read in memory ({@link LakeSession}): planning the same
 * snapshot again reads none of them from storage. Shown by deleting the manifest between two plannings.
 */
class ManifestCacheTest {
  @Test
  void planningASnapshotAgainReadsItsManifestFromMemory() throws Exception {
    Lake lake = TestLake.lake("manifest_cache", Storage.LOCAL);
    SparkSession spark = TestLake.spark();
    spark.sql("CREATE NAMESPACE IF NOT EXISTS manifest_cache." + lake.config().namespace());
    spark.sql("CREATE TABLE manifest_cache.market_data.t (id BIGINT) USING iceberg");
    spark.range(0, 10).repartition(2).toDF("id").writeTo("manifest_cache.market_data.t").append();
    Table table = new LakeCatalog(spark, lake.config()).load("t");
    assertEquals(2, dataFiles(table), "two tasks, two data files");

    List<ManifestFile> manifests = table.currentSnapshot().allManifests(table.io());
    assertEquals(1, manifests.size());
    Files.delete(local(manifests.get(0).path()));
    assertEquals(2, dataFiles(table), "the deleted manifest's content, from the cache");
  }

  private static int dataFiles(Table table) throws Exception {
    try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
      return Lists.newArrayList(tasks).size();
    }
  }

  private static Path local(String location) {
    return location.startsWith("file:") ? Paths.get(URI.create(location)) : Paths.get(location);
  }
}
