package io.cryptolake.testing;

import io.cryptolake.bronze.BronzeConfig;
import io.cryptolake.bronze.BronzeStream;
import io.cryptolake.gold.GoldConfig;
import io.cryptolake.gold.GoldStream;
import io.cryptolake.gold.OhlcvStream;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.silver.SilverConfig;
import io.cryptolake.silver.SilverStream;
import io.cryptolake.streaming.StreamingQueries;
import io.cryptolake.validation.ValidationConfig;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;

/** Running the jobs in tests: bronze until it has every Kafka record, silver configurations, table reads. */
public final class Pipeline {
  private Pipeline() {}

  /** Runs bronze for the topic until it holds every record the topic has now. */
  public static void bronzeCaughtUp(TestLake.Lake lake, Exchange exchange, String topic, long maxOffsetsPerTrigger)
      throws Exception {
    StreamingQuery query = BronzeStream.start(TestLake.spark(), lake.config(), new BronzeConfig(exchange,
        TestLake.servers().config().kafkaBootstrap(), topic, "earliest", maxOffsetsPerTrigger, true,
        lake.stream("200ms")));
    query.processAllAvailable();
    query.stop();
  }

  /** Runs silver for the exchange until it has read everything bronze holds now. */
  public static void silverCaughtUp(TestLake.Lake lake, Exchange exchange) throws Exception {
    StreamingQuery query = SilverStream.start(TestLake.spark(), lake.config(), silver(lake, exchange));
    query.processAllAvailable();
    query.stop();
  }

  /** Runs gold (5-minute watermark) until it has drained the silver tables. */
  public static void goldDrained(TestLake.Lake lake) throws Exception {
    StreamingQuery query = GoldStream.start(TestLake.spark(), lake.config(),
        new GoldConfig(Duration.ofMinutes(5), 100, lake.stream("200ms")));
    StreamingQueries.awaitDrained(query, Duration.ofMinutes(3));
    query.stop();
  }

  /** Runs gold's bars query until it has read every gold commit there is now. */
  public static void barsCaughtUp(TestLake.Lake lake) throws Exception {
    StreamingQuery query = OhlcvStream.start(TestLake.spark(), lake.config(),
        new GoldConfig(Duration.ofMinutes(5), 100, lake.stream("200ms")));
    StreamingQueries.awaitDrained(query, Duration.ofMinutes(3));
    query.stop();
  }

  public static SilverConfig silver(TestLake.Lake lake, Exchange exchange) {
    return silver(lake, exchange, ValidationConfig.defaults(), Duration.ofSeconds(20));
  }

  public static SilverConfig silver(TestLake.Lake lake, Exchange exchange, ValidationConfig validation,
      Duration registryMaxWait) {
    return new SilverConfig(exchange, TestLake.servers().config().registryUrl(), registryMaxWait, validation, 2,
        lake.stream("200ms"));
  }

  public static List<Row> rows(TestLake.Lake lake, String table) {
    return TestLake.spark().table(lake.config().qualified(table)).collectAsList();
  }

  public static long count(TestLake.Lake lake, String table) {
    return TestLake.spark().table(lake.config().qualified(table)).count();
  }

  public static List<Row> dlq(TestLake.Lake lake, Exchange exchange) {
    return TestLake.spark().table(lake.config().qualified(Tables.DLQ))
        .where("bronze_source = '" + Tables.bronzeName(exchange) + "'").collectAsList();
  }
}
