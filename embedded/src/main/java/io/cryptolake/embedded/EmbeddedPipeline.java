package io.cryptolake.embedded;

import io.cryptolake.bronze.BronzeConfig;
import io.cryptolake.bronze.BronzeStream;
import io.cryptolake.gaps.SequenceGaps;
import io.cryptolake.gold.GoldBatchStats;
import io.cryptolake.gold.GoldConfig;
import io.cryptolake.gold.GoldStream;
import io.cryptolake.gold.OhlcvStream;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.localstack.DataDirs;
import io.cryptolake.localstack.LocalServers;
import io.cryptolake.localstack.LocalServersConfig;
import io.cryptolake.localstack.TopicReader;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.producers.synthetic.SyntheticProducer;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import io.cryptolake.silver.SilverConfig;
import io.cryptolake.silver.SilverStream;
import io.cryptolake.streaming.StreamConfig;
import io.cryptolake.streaming.StreamingQueries;
import io.cryptolake.validation.ValidationConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.state.StateStore;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * The whole pipeline on one machine with nothing installed: local servers, synthetic trades with faults,
 * the jobs in one local Spark session run until caught up, then a report of every table. The jobs are the
 * same classes spark-submit runs; only the session is shared.
 */
public final class EmbeddedPipeline {
  /** Trade times spread over the last half hour, so that gold's watermark passes and bars are final. */
  static final Duration SPREAD = Duration.ofMinutes(30);
  private static final Duration WATERMARK = Duration.ofMinutes(5);

  private final EmbeddedOptions options;
  private final PrintStream out;

  public EmbeddedPipeline(EmbeddedOptions options, PrintStream out) {
    this.options = options;
    this.out = out;
  }

  public RunReport run() throws TimeoutException {
    Path dataDir = options.dataDir().toAbsolutePath();
    DataDirs.wipe(dataDir);
    LocalServersConfig serverConfig = LocalServersConfig.defaults()
        .withDataDir(dataDir.resolve("servers")).withFreePorts();
    out.println("Starting Kafka, the S3 API and the Schema Registry under " + dataDir + " ...");
    try (LocalServers servers = LocalServers.start(serverConfig)) {
      out.printf("  kafka %s | s3 %s | registry %s%n", serverConfig.kafkaBootstrap(), serverConfig.s3Endpoint(),
          serverConfig.registryUrl());

      out.printf("Producing %,d synthetic trades per exchange (%.1f%% faults, duplicates, out-of-order) ...%n",
          options.count(), options.faultRate() * 100);
      Manifest manifest = new SyntheticProducer(
          SyntheticConfig.defaults(serverConfig.kafkaBootstrap(), serverConfig.registryUrl())
              .withCount(options.count())
              .withFaults(SyntheticConfig.spreadFaults(options.faultRate()))
              .withSeed(options.seed())
              .withSpreadOver(SPREAD)
              .withManifest(dataDir.resolve("manifest.json"))).run();

      String root = "s3a://" + serverConfig.bucket();
      LakeConfig lake = LakeConfig.s3(dataDir, serverConfig.s3Endpoint(), root + "/warehouse");
      StreamConfig stream = new StreamConfig(root + "/checkpoints", Duration.ofSeconds(1));
      out.println("Running bronze, silver and gold for both exchanges in one local Spark session until caught up ...");
      SparkSession spark = LakeSession.forJob("cryptolake-embedded", lake);
      LakeSession.useS3Credentials(spark, serverConfig.s3AccessKey(), serverConfig.s3SecretKey());
      try {
        List<StreamingQuery> bronze = new ArrayList<>();
        for (Exchange exchange : Exchange.values()) {
          bronze.add(BronzeStream.start(spark, lake, new BronzeConfig(exchange, serverConfig.kafkaBootstrap(),
              exchange.defaultTopic(), "earliest", 200_000, true, stream)));
        }
        List<StreamingQuery> silver = new ArrayList<>();
        for (Exchange exchange : Exchange.values()) {
          silver.add(SilverStream.start(spark, lake, new SilverConfig(exchange, serverConfig.registryUrl(),
              Duration.ofSeconds(30), ValidationConfig.defaults(), 500, stream)));
        }
        GoldConfig goldConfig = new GoldConfig(WATERMARK, 500, stream);
        GoldStatsLog goldStats = new GoldStatsLog();
        StreamingQuery gold = GoldStream.start(spark, lake, goldConfig, goldStats);
        StreamingQuery ohlcv = OhlcvStream.start(spark, lake, goldConfig);
        // Upstream first: once bronze has every Kafka record, silver catches up with bronze, and so on.
        awaitCaughtUp("bronze has every Kafka record", bronze);
        awaitCaughtUp("silver and the DLQ have every bronze row", silver);
        awaitCaughtUp("gold has every silver trade", List.of(gold));
        awaitCaughtUp("the 1-minute bars are up to date", List.of(ohlcv));
        out.println("Checking trade-id gaps, then every record's outcome ...");
        SequenceGaps.Result gaps = SequenceGaps.detect(spark, lake, null, null);
        RunReport report = RunReport.collect(spark, lake, manifest,
            exchange -> TopicReader.recordCount(serverConfig.kafkaBootstrap(), exchange.defaultTopic()),
            goldStats.duplicatesRemoved(), gaps);
        report.print(out, dataDir, lake, stream);
        return report;
      } finally {
        // The state stores' maintenance runs on a timer of its own; stopped first, it cannot fire on a stopped
        // Spark and print a warning with a stack trace under the run's result.
        StateStore.stop();
        spark.stop();
      }
    }
  }

  /** Waits until the queries have read all their sources have, then stops them and says how long it took. */
  private void awaitCaughtUp(String what, List<StreamingQuery> queries) throws TimeoutException {
    long start = System.nanoTime();
    for (StreamingQuery query : queries) {
      StreamingQueries.awaitDrained(query, Duration.ofMinutes(10));
    }
    for (StreamingQuery query : queries) {
      query.stop();
    }
    out.printf("  %s (%.1f s)%n", what, (System.nanoTime() - start) / 1e9);
  }

  /** Adds up what the gold batches removed. */
  private static final class GoldStatsLog implements Consumer<GoldBatchStats> {
    private final LongAdder duplicates = new LongAdder();

    @Override
    public void accept(GoldBatchStats stats) {
      duplicates.add(stats.duplicatesRemoved());
    }

    long duplicatesRemoved() {
      return duplicates.sum();
    }
  }
}
