package io.cryptolake.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.gold.GoldConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.localstack.TopicReader;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.Produced;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.spark.sql.execution.streaming.runtime.StreamingQueryWrapper;
import org.apache.spark.sql.streaming.Trigger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 15.2: the five jobs in one application (spark-submit/pipeline.sh) go on from the checkpoints the five
 * applications left, lose and double nothing, keep each job's metrics apart, and refuse a second copy of a job
 * they run.
 */
class PipelineJobTest {
  private static final String NAME = "one_app";
  /** Spark's interval between idle reports (10 s by default); read when a query starts. */
  private static final String IDLE_INTERVAL = "spark.sql.streaming.noDataProgressEventInterval";

  @AfterEach
  void stopQueries() {
    TestLake.stopActiveQueries();
    TestLake.spark().conf().unset(IDLE_INTERVAL);
  }

  @Test
  void theFiveJobsInOneApplicationGoOnFromTheFiveApplicationsCheckpointsWithEachJobsOwnMetrics() throws Exception {
    Lake lake = TestLake.lake(NAME, Storage.LOCAL);
    Map<Exchange, String> topics = Produced.topics(NAME);
    SyntheticConfig produce = Produced.config(topics).withCount(100).withFaults(SyntheticConfig.spreadFaults(0.1));
    String kafka = TestLake.servers().config().kafkaBootstrap();
    String registry = TestLake.servers().config().registryUrl();

    // First the five applications' queries, on the checkpoints the one application then takes over.
    Produced.send(produce.withSeed(21));
    for (Exchange exchange : Exchange.values()) {
      Pipeline.bronzeCaughtUp(lake, exchange, topics.get(exchange), 1_000);
      Pipeline.silverCaughtUp(lake, exchange);
    }
    Pipeline.goldDrained(lake);
    Map<String, Long> before = tableCounts(lake);
    assertTrue(before.values().stream().allMatch(n -> n > 0), before.toString());

    Produced.send(produce.withSeed(22));
    String[] lakeArgs = {"--catalog", NAME, "--catalog-uri", lake.config().catalogUri(),
        "--warehouse", lake.config().warehouse(), "--checkpoint-root", lake.dir().resolve("checkpoints").toString()};
    List<String> args = new ArrayList<>(List.of(lakeArgs));
    args.addAll(List.of("--bootstrap-servers", kafka, "--registry-url", registry, "--trigger-interval", "500ms",
        "--silver-poll-interval", "200ms", "--gaps-every", "1h", "--bars-every", "1s"));
    topics.forEach((exchange, topic) -> args.addAll(List.of("--topic", exchange.id() + "=" + topic)));
    double ownRowsIn = JobMetrics.value(LakeMetric.RECORDS_IN);
    // Idle reports after 1 s rather than 10: the wait for them below is shorter. Only for this test's queries:
    // an idle report becomes a query's lastProgress, which other tests read.
    TestLake.spark().conf().set(IDLE_INTERVAL, "1s");
    Map<String, Double> idleBefore = idleTriggers();
    var thread = Executors.newSingleThreadExecutor();
    CompletableFuture<OperatorMistakesTest.Outcome> app = CompletableFuture.supplyAsync(
        () -> OperatorMistakesTest.run(new PipelineJob(), args.toArray(String[]::new)), thread);

    Map<String, Long> expected = awaitEveryRecord(lake, topics, app);
    Map<String, Long> added = new LinkedHashMap<>();
    expected.forEach((table, n) -> added.put(table, n - before.get(table)));
    for (Exchange exchange : Exchange.values()) {
      assertEquals((double) added.get(Tables.bronzeName(exchange)),
          JobMetrics.value("bronze-" + exchange.id(), LakeMetric.RECORDS_OUT), "bronze-" + exchange.id());
      double silverIn = JobMetrics.value("silver-" + exchange.id(), LakeMetric.RECORDS_VALID)
          + JobMetrics.value("silver-" + exchange.id(), LakeMetric.RECORDS_INVALID);
      assertEquals((double) added.get(Tables.bronzeName(exchange)), silverIn, "silver-" + exchange.id() + " rows in");
      assertEquals((double) added.get(Tables.silverName(exchange)),
          JobMetrics.value("silver-" + exchange.id(), LakeMetric.RECORDS_VALID), "silver-" + exchange.id());
    }
    assertEquals((double) added.get(Tables.GOLD), JobMetrics.value("gold", LakeMetric.RECORDS_OUT), "gold");
    // The bars run on --bars-every, the trades on --trigger-interval; gold publishes the trigger of the query
    // whose latest batch is furthest over its own.
    assertEquals(Trigger.ProcessingTime(500), triggerOf(GoldConfig.JOB_NAME));
    // Silver looks for bronze's commits on its own interval; its batches are still measured on the trigger.
    assertEquals(Trigger.ProcessingTime(200), triggerOf("silver-binance"));
    assertEquals(Trigger.ProcessingTime(500), triggerOf("bronze-binance"));
    assertEquals(500.0, JobMetrics.value("silver-binance", LakeMetric.TRIGGER_INTERVAL_MS));
    assertEquals(Trigger.ProcessingTime(1000), triggerOf(GoldConfig.OHLCV_QUERY));
    assertTrue(List.of(500.0, 1000.0).contains(JobMetrics.value("gold", LakeMetric.TRIGGER_INTERVAL_MS)));
    assertEquals(ownRowsIn, JobMetrics.value(LakeMetric.RECORDS_IN), "no job's rows counted as the JVM's own");

    // With everything read, each job says it is idle (Spark's idle reports, by job): how a driver restarted with
    // nothing to read shows that it runs (the chaos run's last kill).
    Awaitility.await("every job reported idle").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
        .until(() -> idleTriggers().entrySet().stream().allMatch(e -> e.getValue() > idleBefore.get(e.getKey())));

    // A second copy of one of its jobs, as its own application, stops at the lease: it cannot write twice.
    OperatorMistakesTest.Outcome second = OperatorMistakesTest.run(new SilverJob(), concat(lakeArgs,
        "--exchange", "binance", "--registry-url", registry));
    assertEquals(2, second.status(), second.err());
    assertTrue(second.err().contains("already running") && second.err().contains("silver-binance"), second.err());

    TestLake.stopActiveQueries();
    OperatorMistakesTest.Outcome stopped = app.get(2, TimeUnit.MINUTES);
    thread.shutdown();
    assertEquals(0, stopped.status(), stopped.err());
    assertEquals(expected, tableCounts(lake), "nothing written after the stop");
  }

  private static Trigger triggerOf(String query) {
    return Arrays.stream(TestLake.spark().streams().active()).filter(q -> query.equals(q.name()))
        .map(q -> ((StreamingQueryWrapper) q).streamingQuery().trigger()).findFirst().orElseThrow();
  }

  private static Map<String, Double> idleTriggers() {
    Map<String, Double> idle = new LinkedHashMap<>();
    for (Exchange exchange : Exchange.values()) {
      for (String layer : List.of("bronze-", "silver-")) {
        idle.put(layer + exchange.id(), JobMetrics.value(layer + exchange.id(), LakeMetric.IDLE_TRIGGERS));
      }
    }
    idle.put("gold", JobMetrics.value("gold", LakeMetric.IDLE_TRIGGERS));
    return idle;
  }

  /**
   * Waits until bronze holds every Kafka record, silver and the DLQ every bronze row, gold every silver key and
   * the bars every gold trade; returns the tables' counts then.
   */
  private static Map<String, Long> awaitEveryRecord(Lake lake, Map<Exchange, String> topics,
      CompletableFuture<?> app) {
    AtomicReference<Map<String, Long>> accounted = new AtomicReference<>();
    AtomicReference<String> last = new AtomicReference<>("");
    try {
      Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1))
          .until(() -> app.isDone() || everyRecord(lake, topics, accounted, last));
    } catch (ConditionTimeoutException e) {
      // Said below with what the tables held.
    }
    if (accounted.get() == null) {
      throw new AssertionError("the one application did not account for every record: " + last.get()
          + (app.isDone() ? "; it ended: " + app.join() : ""));
    }
    return accounted.get();
  }

  private static boolean everyRecord(Lake lake, Map<Exchange, String> topics,
      AtomicReference<Map<String, Long>> accounted, AtomicReference<String> last) {
    Map<String, Long> counts = tableCounts(lake);
    boolean all = true;
    for (Exchange exchange : Exchange.values()) {
      long bronze = counts.get(Tables.bronzeName(exchange));
      all &= bronze == TopicReader.recordCount(TestLake.servers().config().kafkaBootstrap(), topics.get(exchange))
          && counts.get(Tables.silverName(exchange)) + Pipeline.dlq(lake, exchange).size() == bronze;
    }
    long keys = TestLake.spark().sql(Arrays.stream(Exchange.values())
        .map(exchange -> "SELECT exchange, symbol, trade_id FROM " + q(lake, Tables.silverName(exchange)))
        .collect(Collectors.joining(" UNION "))).count();
    long barTrades = barTrades(lake);
    all &= counts.get(Tables.GOLD) == keys && barTrades == keys;
    last.set(counts + ", silver keys " + keys + ", trades in bars " + barTrades);
    if (all) {
      accounted.set(counts);
    }
    return all;
  }

  /** The trades the bars count; -1 before the bars query has created its table. */
  private static long barTrades(Lake lake) {
    if (!TestLake.spark().catalog().tableExists(q(lake, Tables.OHLCV_1M))) {
      return -1;
    }
    return TestLake.spark().sql("SELECT coalesce(sum(trade_count), 0) FROM " + q(lake, Tables.OHLCV_1M))
        .first().getLong(0);
  }

  private static Map<String, Long> tableCounts(Lake lake) {
    Map<String, Long> counts = new LinkedHashMap<>();
    for (Exchange exchange : Exchange.values()) {
      counts.put(Tables.bronzeName(exchange), Pipeline.count(lake, Tables.bronzeName(exchange)));
      counts.put(Tables.silverName(exchange), Pipeline.count(lake, Tables.silverName(exchange)));
    }
    counts.put(Tables.DLQ, Pipeline.count(lake, Tables.DLQ));
    counts.put(Tables.GOLD, Pipeline.count(lake, Tables.GOLD));
    return counts;
  }

  private static String q(Lake lake, String table) {
    return lake.config().qualified(table);
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
