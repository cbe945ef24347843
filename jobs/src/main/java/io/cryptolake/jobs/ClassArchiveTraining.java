package io.cryptolake.jobs;

import io.cryptolake.cli.Cli;
import io.cryptolake.gold.BarCheck;
import io.cryptolake.gold.GoldConfig;
import io.cryptolake.gold.GoldStream;
import io.cryptolake.gold.OhlcvStream;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamConfig;
import io.cryptolake.streaming.StreamingQueries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import scala.Option;

/**
 * The workload that {@code spark-submit/class-archive.sh} runs once, at build time, in a JVM that writes a
 * class-data-sharing archive of every class it loaded when it exits. Jobs started with that archive map those
 * classes instead of loading, parsing and verifying them again: the CPU of a Spark JVM's start-up, ten of them
 * at once on two cores. It runs what the jobs' JVMs run most, in one local JVM (driver and executor classes
 * alike): a throwaway lake on a SQLite catalog and local files, silver rows with duplicates, gold's
 * de-duplication with its state store, the bars' merges and their check. Not a test: it asserts nothing.
 *
 * <p>With {@value #WITH_SERVERS} (the build starts the local servers for it and exports their environment), it
 * then runs the one application's queries against them until gold's bars hold the trades sent before: the Kafka,
 * S3A, PostgreSQL and registry clients, the Kafka source and silver's decode, which the lake of local files never
 * loads (3,600-4,400 more shared classes per job JVM, docs/benchmarks.md, round 32).
 */
public final class ClassArchiveTraining {
  static final String WITH_SERVERS = "--with-servers";
  private static final int TRADES_PER_EXCHANGE = 2_000;
  /** The first bars take half a minute on the build's short triggers; past this the archive keeps what was loaded. */
  private static final Duration PIPELINE_PATIENCE = Duration.ofMinutes(4);

  private ClassArchiveTraining() {}

  public static void main(String[] args) throws Exception {
    Path dir = Files.createTempDirectory("cryptolake-class-archive");
    try {
      LakeConfig lake = LakeConfig.local(dir);
      SparkSession spark = LakeSession.forJob("class-archive-training", lake);
      train(spark, lake, dir.resolve("checkpoints").toUri().toString());
      spark.stop();
    } finally {
      delete(dir);
    }
    if (Arrays.asList(args).contains(WITH_SERVERS)) {
      trainPipeline();
    }
    // The archive is written when the JVM exits; Spark's non-daemon threads must not hold it open.
    System.exit(0);
  }

  private static void train(SparkSession spark, LakeConfig lake, String checkpoints) throws Exception {
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    for (Exchange exchange : Exchange.values()) {
      catalog.ensure(Tables.silver(exchange));
      silverRows(spark, exchange).writeTo(lake.qualified(Tables.silverName(exchange))).append();
    }
    GoldConfig config = new GoldConfig(Duration.ofMinutes(1), 100, new StreamConfig(checkpoints, Duration.ofMillis(200)));
    for (StreamingQuery query : List.of(GoldStream.start(spark, lake, config), OhlcvStream.start(spark, lake, config))) {
      StreamingQueries.awaitDrained(query, Duration.ofMinutes(5));
      query.stop();
    }
    BarCheck.run(spark, lake, Arrays.stream(Exchange.values()).map(Exchange::name).toList());
  }

  /** The one application as PipelineJob runs it, on the environment's servers, until the bars have rows. */
  private static void trainPipeline() throws InterruptedException {
    Thread pipeline = new Thread(() -> Cli.commandLine(new PipelineJob()).execute(), "training-pipeline");
    pipeline.setDaemon(true);
    pipeline.start();
    long deadline = System.nanoTime() + PIPELINE_PATIENCE.toNanos();
    while (pipeline.isAlive() && !barsWritten() && System.nanoTime() < deadline) {
      Thread.sleep(1_000);
    }
  }

  private static boolean barsWritten() {
    Option<SparkSession> session = SparkSession.getDefaultSession();
    return session.isDefined() && Arrays.stream(session.get().streams().active())
        .filter(query -> GoldConfig.OHLCV_QUERY.equals(query.name()))
        .anyMatch(query -> Arrays.stream(query.recentProgress()).anyMatch(batch -> batch.numInputRows() > 0));
  }

  /** Trades over three minutes, every tenth one twice: each silver column (in the table's order) as SQL over n. */
  private static Dataset<Row> silverRows(SparkSession spark, Exchange exchange) {
    String code = exchange.name();
    Map<String, String> sql = new HashMap<>();
    sql.put("message_id", "uuid()");
    sql.put("trade_id", "'" + code + "-' || n");
    sql.put("symbol", "if(n % 2 = 0, 'BTCUSDT', 'ETHUSDT')");
    sql.put("exchange", "'" + code + "'");
    sql.put("asset_class", "'crypto'");
    sql.put("timestamp", "timestamp_millis(1764547200000 + n * 90)");
    sql.put("price", "cast(50000 + n % 97 / 10 as decimal(38,18))");
    sql.put("quantity", "cast(0.001 * (1 + n % 13) as decimal(38,18))");
    sql.put("currency", "'USDT'");
    sql.put("side", "if(n % 3 = 0, 'SELL', 'BUY')");
    sql.put("trade_conditions", "cast(array() as array<string>)");
    sql.put("source_sequence", "n");
    sql.put("ingestion_timestamp", "timestamp_millis(1764547200000 + n * 90 + 40)");
    sql.put("platform_sequence", "id");
    sql.put("vendor_data", "map('venue', 'training')");
    sql.put("kafka_topic", "'training'");
    sql.put("kafka_partition", "0");
    sql.put("kafka_offset", "id");
    sql.put("schema_id", "1");
    sql.put("bronze_ingestion_timestamp", "current_timestamp()");
    sql.put("validation_timestamp", "current_timestamp()");
    String[] columns = Tables.silverColumnNames().stream()
        .map(c -> Objects.requireNonNull(sql.get(c), "no training value for silver column " + c) + " AS " + c)
        .toArray(String[]::new);
    return spark.range(TRADES_PER_EXCHANGE + TRADES_PER_EXCHANGE / 10)
        .selectExpr("id", "if(id >= " + TRADES_PER_EXCHANGE + ", (id - " + TRADES_PER_EXCHANGE + ") * 10, id) AS n")
        .selectExpr(columns);
  }

  private static void delete(Path dir) throws IOException {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
