package io.cryptolake.jobs;

import static io.cryptolake.jobs.OperatorMistakesTest.assertOneLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.bronze.BronzeConfig;
import io.cryptolake.bronze.BronzeStream;
import io.cryptolake.gold.GoldStream;
import io.cryptolake.lake.Tables;
import io.cryptolake.localstack.TopicReader;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.silver.SilverStream;
import io.cryptolake.streaming.EmptyCheckpoint;
import io.cryptolake.streaming.StreamConfig;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.Produced;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

/**
 * Issue 13.4: a job whose checkpoint is gone (lost, deleted, a new checkpoint root) never doubles its table.
 * Bronze resumes after the offsets its table holds; silver and gold refuse to start (exit 2, one line) unless
 * --from-scratch, which empties their checkpoint and tables before the rebuild (a backfill is the same start).
 */
class LostCheckpointTest {
  private static final Exchange BINANCE = Exchange.BINANCE;

  @Test
  void bronzeWithoutItsCheckpointResumesAfterTheOffsetsItsTableHolds() throws Exception {
    Lake lake = TestLake.lake("lost_bronze", Storage.LOCAL);
    String topic = "lost_bronze.binance";
    SyntheticConfig produce = Produced.config(Map.of(BINANCE, topic)).withExchanges(List.of(BINANCE))
        .withCount(200).withFaults(Map.of());
    Produced.send(produce.withSeed(1));
    Pipeline.bronzeCaughtUp(lake, BINANCE, topic, 100);
    deleteCheckpoint(lake, "bronze-binance");
    Produced.send(produce.withSeed(2));
    Pipeline.bronzeCaughtUp(lake, BINANCE, topic, 100);

    long kafka = TopicReader.recordCount(TestLake.servers().config().kafkaBootstrap(), topic);
    assertEquals(400, kafka);
    assertEveryOffsetOnce(lake, topic, kafka);

    // A backfill, --from-scratch over the checkpoint as it is (BronzeJob's start): checkpoint and topic rows go,
    // and the topic is read again from --starting-offsets (earliest).
    StreamConfig fromScratch = lake.stream("200ms").withFromScratch();
    EmptyCheckpoint.clearIfFromScratch(TestLake.spark(), "bronze-binance", fromScratch);
    StreamingQuery again = BronzeStream.start(TestLake.spark(), lake.config(), new BronzeConfig(BINANCE,
        TestLake.servers().config().kafkaBootstrap(), topic, "earliest", 1_000, true, fromScratch));
    again.processAllAvailable();
    again.stop();
    assertEveryOffsetOnce(lake, topic, kafka);
  }

  @Test
  void silverAndGoldWithoutTheirCheckpointsRefuseToStartAndRebuildOnlyFromScratch() throws Exception {
    Lake lake = TestLake.lake("lost_silver", Storage.LOCAL);
    String topic = "lost_silver.binance";
    Produced.send(Produced.config(Map.of(BINANCE, topic)).withExchanges(List.of(BINANCE)).withCount(200)
        .withFaults(SyntheticConfig.spreadFaults(0.1)).withSeed(3));
    Pipeline.bronzeCaughtUp(lake, BINANCE, topic, 1_000);
    Pipeline.silverCaughtUp(lake, BINANCE);
    Pipeline.goldDrained(lake);
    long silver = Pipeline.count(lake, Tables.silverName(BINANCE));
    long dlq = Pipeline.dlq(lake, BINANCE).size();
    long gold = Pipeline.count(lake, Tables.GOLD);
    assertTrue(silver > 0 && dlq > 0 && gold > 0, silver + " " + dlq + " " + gold);

    String[] lakeArgs = {"--catalog", "lost_silver", "--catalog-uri", lake.config().catalogUri(),
        "--warehouse", lake.config().warehouse(), "--checkpoint-root", lake.dir().resolve("checkpoints").toString()};
    deleteCheckpoint(lake, "silver-binance");
    OperatorMistakesTest.Outcome refused = OperatorMistakesTest.run(new SilverJob(), concat(lakeArgs,
        "--exchange", "binance", "--registry-url", TestLake.servers().config().registryUrl()));
    assertEquals(2, refused.status(), refused.err());
    assertOneLine(refused.err(), "silver: --checkpoint-root: ", "silver-binance holds no batch, but "
        + lake.config().qualified(Tables.silverName(BINANCE)) + " already holds " + silver + " rows", "--from-scratch");

    deleteCheckpoint(lake, "gold");
    OperatorMistakesTest.Outcome goldRefused = OperatorMistakesTest.run(new GoldJob(), lakeArgs);
    assertEquals(2, goldRefused.status(), goldRefused.err());
    assertOneLine(goldRefused.err(), "gold: --checkpoint-root: ", "gold holds no batch, but "
        + lake.config().qualified(Tables.GOLD) + " already holds " + gold + " rows", "--from-scratch");
    assertEquals(silver, Pipeline.count(lake, Tables.silverName(BINANCE)), "a refused start writes nothing");

    // --from-scratch: the tables are emptied first, so the rebuild holds every row once.
    StreamConfig fromScratch = lake.stream("200ms").withFromScratch();
    EmptyCheckpoint.requireResumable(TestLake.spark(), "silver-binance", fromScratch,
        SilverStream.outputs(lake.config(), BINANCE));
    Pipeline.silverCaughtUp(lake, BINANCE);
    assertEquals(silver, Pipeline.count(lake, Tables.silverName(BINANCE)), "silver rebuilt");
    assertEquals(dlq, Pipeline.dlq(lake, BINANCE).size(), "the exchange's DLQ rows rebuilt");
    EmptyCheckpoint.requireResumable(TestLake.spark(), "gold", fromScratch, GoldStream.outputs(lake.config()));
    Pipeline.goldDrained(lake);
    assertEquals(gold, Pipeline.count(lake, Tables.GOLD), "gold rebuilt");
    assertEquals(gold, TestLake.spark().table(lake.config().qualified(Tables.GOLD))
        .select("exchange", "symbol", "trade_id").distinct().count(), "every gold key once");
  }

  private static void assertEveryOffsetOnce(Lake lake, String topic, long kafka) {
    var rows = TestLake.spark().table(lake.config().qualified(Tables.bronzeName(BINANCE)))
        .where("kafka_topic = '" + topic + "'");
    assertEquals(kafka, rows.count(), "bronze rows of " + topic);
    assertEquals(kafka, rows.select("kafka_partition", "kafka_offset").distinct().count(), "distinct offsets");
  }

  private static void deleteCheckpoint(Lake lake, String job) {
    Path dir = Paths.get(URI.create(lake.stream("1s").checkpointFor(job)));
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String[] concat(String[] a, String... b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }
}
