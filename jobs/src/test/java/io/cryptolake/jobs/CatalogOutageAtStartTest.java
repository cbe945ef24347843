package io.cryptolake.jobs;

import static io.cryptolake.jobs.OperatorMistakesTest.assertOneLine;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.lake.Tables;
import io.cryptolake.localstack.LocalServersConfig;
import io.cryptolake.localstack.PostgresServer;
import io.cryptolake.testing.TestLake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job the cluster manager (re)starts while its catalog database is down waits for it, as its queries would,
 * and then does what it would have done: here, refuse an empty checkpoint over a gold table with rows (exit 2).
 * It used to exit at once with the connection error (chaos with the REST catalog: gold restarted during the
 * catalog's outage and never came back).
 */
class CatalogOutageAtStartTest {
  @TempDir Path dir;

  @Test
  void aJobStartedWhileTheCatalogDatabaseIsDownWaitsForItInsteadOfExiting() throws Exception {
    LocalServersConfig servers = TestLake.servers().config().withDataDir(dir.resolve("servers"))
        .withCatalogServer(LocalServersConfig.CatalogServer.POSTGRES);
    try (PostgresServer postgres = new PostgresServer(servers)) {
      postgres.start();
      LakeConfig lake = new LakeConfig("outage", LakeConfig.CatalogType.JDBC, postgres.jdbcUrl(),
          dir.resolve("warehouse").toUri().toString(), "market_data", null, "us-east-1", true);
      SparkSession spark = TestLake.spark();
      LakeSession.attach(spark, lake);
      spark.sql("CREATE TABLE " + lake.qualified(Tables.GOLD) + " (trade_id STRING) USING iceberg");
      spark.sql("INSERT INTO " + lake.qualified(Tables.GOLD) + " VALUES ('t-1')");
      postgres.stop();

      Path checkpoints = Files.createDirectories(dir.resolve("checkpoints"));
      CompletableFuture<OperatorMistakesTest.Outcome> gold = CompletableFuture.supplyAsync(() ->
          OperatorMistakesTest.run(new GoldJob(), "--catalog", "outage", "--catalog-uri", postgres.jdbcUrl(),
              "--warehouse", lake.warehouse(), "--checkpoint-root", checkpoints.toString()));
      // While the catalog is down the job keeps waiting; before the fix it exited within a second.
      await("gold waiting for its catalog").during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(10))
          .pollInterval(Duration.ofMillis(500)).until(() -> !gold.isDone());
      postgres.start();

      OperatorMistakesTest.Outcome outcome = gold.get(3, TimeUnit.MINUTES);
      assertEquals(2, outcome.status(), outcome.err());
      assertOneLine(outcome.err(), "gold holds no batch, but " + lake.qualified(Tables.GOLD) + " already holds 1 rows");
    }
  }
}
