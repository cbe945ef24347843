package io.cryptolake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.cli.Cli;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.lake.TableDef;
import io.cryptolake.lake.Tables;
import io.cryptolake.producers.exchange.ExchangeProducerCli;
import io.cryptolake.producers.synthetic.SyntheticProducerCli;
import io.cryptolake.replay.DlqReplay;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.CheckpointLease;
import io.cryptolake.testing.TestLake;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * An operator's mistakes, as a new user makes them: each stops the command before it starts any work, with one
 * line on stderr that names the option, the value and what is expected, and exit status 2; a server that
 * does not answer is named within seconds (status 1); a command that reads the lake never creates it.
 */
class OperatorMistakesTest {
  record Outcome(int status, String err) {}

  static Stream<Arguments> mistakes() {
    return Stream.of(
        mistake(SilverJob::new, "silver --exchange binance --trigger-interval banana",
            "--trigger-interval", "'banana'", "5s"),
        mistake(SilverJob::new, "silver --exchange binance --trigger-interval 5seconds", "'5seconds'"),
        mistake(SilverJob::new, "silver --exchange binance --trigger-interval 0s", "--trigger-interval: 0s"),
        mistake(SilverJob::new, "silver --exchange binance --warehouse /proc/nope",
            "--warehouse: cannot write to '/proc/nope'; expected a writable directory"),
        mistake(BronzeJob::new, "bronze --exchange binance --checkpoint-root /proc/nope", "--checkpoint-root"),
        mistake(SilverJob::new, "silver --exchange binance --registry-url registry:8081", "--registry-url"),
        mistake(SilverJob::new, "silver --exchange binance --max-files-per-trigger 0", "--max-files-per-trigger: 0"),
        mistake(SilverJob::new, "silver --exchange binance --poll-interval 0s", "--poll-interval: 0s"),
        mistake(GoldJob::new, "gold --expire-snapshots-every 0s", "--expire-snapshots-every: 0s"),
        mistake(GoldJob::new, "gold --watermark banana", "--watermark", "'banana'"),
        mistake(GoldJob::new, "gold --watermark=", "--watermark", "''"),
        mistake(GoldJob::new, "gold --gaps-every -1m", "--gaps-every", "'-1m'"),
        mistake(GoldJob::new, "gold --bars-every 0s", "--bars-every: 0", "expected a duration above 0"),
        mistake(PipelineJob::new, "pipeline --bars-every soon", "--bars-every", "'soon'"),
        mistake(GoldJob::new, "gold --gold-poll-interval 0s", "--gold-poll-interval: 0s"),
        mistake(PipelineJob::new, "pipeline --gold-poll-interval 0ms", "--gold-poll-interval: 0s"),
        mistake(BronzeJob::new, "bronze --exchange nope", "--exchange", "nope", "BINANCE"),
        mistake(BronzeJob::new, "bronze --exchange binance --starting-offsets oldest", "--starting-offsets", "oldest"),
        mistake(BronzeJob::new, "bronze --exchange binance --bootstrap-servers kafka", "--bootstrap-servers"),
        mistake(PipelineJob::new, "pipeline --exchanges binance,nope", "--exchanges", "nope"),
        mistake(PipelineJob::new, "pipeline --topic nope=trades", "--topic", "nope"),
        mistake(PipelineJob::new, "pipeline --exchanges binance --topic kraken=trades",
            "--topic: unknown value 'kraken'; expected one of [binance]"),
        mistake(PipelineJob::new, "pipeline --silver-max-files-per-trigger 0", "--silver-max-files-per-trigger: 0"),
        mistake(PipelineJob::new, "pipeline --silver-poll-interval 0ms", "--silver-poll-interval: 0s"),
        mistake(PipelineJob::new, "pipeline --gold-max-files-per-trigger 0", "--gold-max-files-per-trigger: 0"),
        mistake(PipelineJob::new, "pipeline --starting-offsets oldest", "--starting-offsets", "oldest"),
        mistake(ExchangeProducerCli::new, "feed --exchange coinbase", "--exchange", "coinbase"),
        mistake(SyntheticProducerCli::new, "produce --rate -5", "--rate: -5 is not allowed; expected 0 or more"),
        mistake(SyntheticProducerCli::new, "produce --count -5", "--count: -5 is not allowed"),
        mistake(SyntheticProducerCli::new, "produce --fault-rate 2", "--fault-rate: 2 is not allowed"),
        mistake(SyntheticProducerCli::new, "produce --exchanges binance,nope", "--exchanges", "nope"),
        mistake(DlqReplayJob::new, "dlq-replay --from 2026-11-20 --to 2026-11-10",
            "--from 2026-11-20 is not before --to 2026-11-10"),
        mistake(DlqReplayJob::new, "dlq-replay --reasons timestamp_too_old,no_such_reason", "--reasons",
            "no_such_reason"),
        mistake(DlqReplayJob::new, "dlq-replay --limit 0", "--limit: 0"),
        mistake(GapsJob::new, "gaps --from 2026-11-21T00:00:00Z --to 2026-11-20T00:00:00Z", "--from", "--to"),
        mistake(ReconcileJob::new, "reconcile --manifest /nope/manifest.json", "--manifest", "/nope/manifest.json"),
        mistake(MaintainJob::new, "maintain --retention bronze_nope=3", "--retention", "bronze_nope"),
        mistake(MaintainJob::new, "maintain --tables bronze_binance_trades,gold_nope", "--tables", "gold_nope"),
        mistake(MaintainJob::new, "maintain --retention bronze_binance_trades=0", "--retention bronze_binance_trades: 0"));
  }

  private static Arguments mistake(Supplier<Object> command, String line, String... expected) {
    return Arguments.of(line, command, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void aMistakeStopsTheCommandInOneLineWithStatusTwo(String line, Supplier<Object> command, String[] expected) {
    List<String> args = new ArrayList<>(List.of(line.split(" ")));
    Outcome outcome = run(command.get(), args.subList(1, args.size()).toArray(String[]::new));
    assertEquals(2, outcome.status(), outcome.err());
    assertOneLine(outcome.err(), expected);
    assertTrue(outcome.err().startsWith(args.get(0) + ": ") || outcome.err().contains(": "), outcome.err());
  }

  /**
   * Issue 14: a driver the cluster runs (cluster deploy mode) starts in a new directory on some worker; a
   * relative path (each default of a local run) would give it a catalog and checkpoints of its own there.
   */
  @Test
  void aRelativePathStopsADriverInClusterDeployMode() {
    System.setProperty("spark.submit.deployMode", "cluster");
    try {
      Outcome gold = run(new GoldJob(), "--checkpoint-root", "s3a://warehouse/checkpoints", "--warehouse",
          "s3a://warehouse/warehouse", "--catalog-uri", "jdbc:sqlite:data/catalog/iceberg.db");
      assertEquals(2, gold.status(), gold.err());
      assertOneLine(gold.err(), "--catalog-uri: 'data/catalog/iceberg.db' is relative to the driver's working "
          + "directory, which in cluster deploy mode is a new directory on whichever worker runs it");
      Outcome silver = run(new SilverJob(), "--exchange", "binance", "--warehouse", "s3a://warehouse/warehouse",
          "--catalog-uri", "jdbc:postgresql://catalog:5432/iceberg");
      assertEquals(2, silver.status(), silver.err());
      assertOneLine(silver.err(), "--checkpoint-root: 'data/checkpoints' is relative");
      Outcome bronze = run(new BronzeJob(), "--exchange", "binance", "--checkpoint-root",
          Path.of(System.getProperty("java.io.tmpdir"), "shared-checkpoints").toString());
      assertEquals(2, bronze.status(), bronze.err());
      assertOneLine(bronze.err(), "--warehouse: 'data/warehouse' is relative");
    } finally {
      System.clearProperty("spark.submit.deployMode");
    }
  }

  @Test
  void aServerThatDoesNotAnswerIsNamedInOneLine() throws Exception {
    int closed = closedPort();
    Outcome producer = run(new SyntheticProducerCli(), "--bootstrap-servers", "127.0.0.1:" + closed);
    assertEquals(1, producer.status(), producer.err());
    assertOneLine(producer.err(), "Kafka at 127.0.0.1:" + closed + " does not answer", "--bootstrap-servers");

    Outcome reconcile = run(new ReconcileJob(), "--s3-endpoint", "http://127.0.0.1:" + closed);
    assertEquals(1, reconcile.status(), reconcile.err());
    assertOneLine(reconcile.err(), "the S3 API at http://127.0.0.1:" + closed + " does not answer", "--s3-endpoint");
  }

  /** Issue 13.2: reconcile, replay, gaps and maintain on a lake without tables say so, and create nothing. */
  @Test
  void commandsThatReadTheLakeNeverInventIt() throws Exception {
    TestLake.spark();
    Path dir = Files.createTempDirectory("no-lake");
    LakeConfig empty = LakeConfig.local(dir).withCatalogName("no_lake");
    String[] lake = {"--catalog", "no_lake", "--catalog-uri", "jdbc:sqlite:" + dir.resolve("catalog/iceberg.db"),
        "--warehouse", dir.resolve("warehouse").toString()};
    String registry = TestLake.servers().config().registryUrl();
    List<Object[]> commands = List.of(
        new Object[] {new ReconcileJob(), new String[] {"--bootstrap-servers",
            TestLake.servers().config().kafkaBootstrap()}, "silver_dlq_trades does not exist"},
        new Object[] {new DlqReplayJob(), new String[] {"--registry-url", registry}, "silver_dlq_trades does not exist"},
        new Object[] {new GapsJob(), new String[0], "gold_crypto_trades does not exist"},
        new Object[] {new MaintainJob(), new String[] {"--checkpoint-root", dir.resolve("cp").toString()},
            "no table of the lake"});
    for (Object[] c : commands) {
      Outcome outcome = run(c[0], concat(lake, (String[]) c[1]));
      assertEquals(2, outcome.status(), outcome.err());
      assertOneLine(outcome.err(), "--catalog-uri: jdbc:sqlite:" + dir.resolve("catalog/iceberg.db")
          + " has no catalog database");
    }
    assertFalse(Files.exists(dir.resolve("catalog/iceberg.db")), "a catalog database was created");

    // A catalog that exists, without the tables: each command names the first table it lacks.
    LakeSession.attach(TestLake.spark(), empty);
    LakeCatalog catalog = new LakeCatalog(TestLake.spark(), empty);
    for (Object[] c : commands) {
      Outcome outcome = run(c[0], concat(lake, (String[]) c[1]));
      assertEquals(2, outcome.status(), outcome.err());
      assertOneLine(outcome.err(), (String) c[2], "--catalog-uri", "--warehouse");
    }
    for (TableDef def : Tables.all(List.of(Exchange.values()))) {
      assertFalse(catalog.exists(def.name()), def.name() + " was created by a command that only reads");
    }
  }

  /** Issue 13.4: a second DLQ replay while one runs stops before it reads a row; the first one's end frees it. */
  @Test
  void aSecondReplayIsRefusedWhileOneRuns() throws Exception {
    Path dir = Files.createTempDirectory("replay-lock");
    LakeConfig config = LakeConfig.local(dir).withCatalogName("replay_lock");
    LakeSession.attach(TestLake.spark(), config);
    LakeCatalog catalog = new LakeCatalog(TestLake.spark(), config);
    Tables.all(List.of(Exchange.values())).forEach(catalog::ensure);
    String[] args = {"--catalog", "replay_lock", "--catalog-uri", config.catalogUri(), "--warehouse",
        config.warehouse(), "--registry-url", TestLake.servers().config().registryUrl()};

    // (A replay that runs stops the JVM's Spark session at its end, which this suite shares: only the refusal runs.)
    try (CheckpointLease running = CheckpointLease.acquireLock(DlqReplay.lockDirectory(config),
        LakeSession.hadoopConfiguration(config), "dlq-replay", () -> {})) {
      Outcome second = run(new DlqReplayJob(), args);
      assertEquals(2, second.status(), second.err());
      assertOneLine(second.err(), "already running: the lock ", "dlq-replay", "pid " + ProcessHandle.current().pid());
    }
    // Closed, the lock is free at once for the next replay.
    CheckpointLease.acquireLock(DlqReplay.lockDirectory(config), LakeSession.hadoopConfiguration(config), "dlq-replay",
        () -> {}).close();
  }

  private static String[] concat(String[] a, String[] b) {
    return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
  }

  static Outcome run(Object command, String... args) {
    StringWriter err = new StringWriter();
    CommandLine line = Cli.commandLine(command);
    line.setErr(new PrintWriter(err));
    return new Outcome(line.execute(args), err.toString());
  }

  static void assertOneLine(String err, String... parts) {
    assertEquals(1, err.lines().count(), "one line: " + err);
    for (String part : parts) {
      assertTrue(err.contains(part), "'" + part + "' in: " + err);
    }
  }

  private static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
