package io.cryptolake.silver;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.lake.Tables;
import io.cryptolake.producers.exchange.FeedHarness;
import io.cryptolake.producers.exchange.LocalExchangeServer;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.testing.Pipeline;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;

/** The Kraken feed client, then bronze and silver: exchange messages become exact silver trades. */
class ExchangeFeedToSilverTest {
  private static String trade(String symbol, long id, String side, String price, String qty, String time) {
    return "{\"symbol\":\"" + symbol + "\",\"side\":\"" + side + "\",\"price\":" + price + ",\"qty\":" + qty
        + ",\"ord_type\":\"limit\",\"trade_id\":" + id + ",\"timestamp\":\"" + time + "\"}";
  }

  @Test
  void krakenMessagesBecomeSilverTradesWithTheirSideCurrencyAndExactDecimals() throws Exception {
    Lake lake = TestLake.lake("feed_e2e", Storage.LOCAL);
    String topic = "feed_e2e.kraken";
    String t1 = "2026-11-21T10:00:00.123456Z";
    String t2 = "2026-11-21T10:00:01.000001Z";
    String t3 = "2026-11-21T10:00:02.999999Z";
    try (LocalExchangeServer server = new LocalExchangeServer().begin(true);
        FeedHarness feed = new FeedHarness(Exchange.KRAKEN, topic, server.uri("/v2"), List.of("BTC/USD", "ETH/EUR"),
            Duration.ofSeconds(30))) {
      await().atMost(Duration.ofSeconds(60)).until(() -> server.subscriptions() == 1);
      server.sendToAll("{\"channel\":\"trade\",\"type\":\"snapshot\",\"data\":["
          + trade("BTC/USD", 101, "buy", "97000.10", "0.00000001", t1) + ","
          + trade("ETH/EUR", 7, "sell", "3210.123456789012345678", "12.5", t2) + "]}");
      server.sendToAll("{\"channel\":\"trade\",\"type\":\"update\",\"data\":["
          + trade("BTC/USD", 102, "sell", "96999.9", "1234567.000000000000000001", t3) + "]}");
      await().atMost(Duration.ofSeconds(60)).until(() -> feed.client.counters().produced() == 3);
    }
    Pipeline.bronzeCaughtUp(lake, Exchange.KRAKEN, topic, 1_000);
    StreamingQuery silver = SilverStream.start(TestLake.spark(), lake.config(), Pipeline.silver(lake, Exchange.KRAKEN));
    silver.processAllAvailable();
    silver.stop();

    assertEquals(List.of(), Pipeline.dlq(lake, Exchange.KRAKEN));
    Map<String, Row> rows = new TreeMap<>();
    Pipeline.rows(lake, Tables.silverName(Exchange.KRAKEN)).forEach(r -> rows.put(r.getAs("trade_id"), r));
    assertEquals(List.of("KRAKEN-101", "KRAKEN-102", "KRAKEN-7"), List.copyOf(rows.keySet()));
    expect(rows.get("KRAKEN-101"), "BTCUSD", "BUY", "USD", "97000.10", "0.00000001", t1);
    expect(rows.get("KRAKEN-7"), "ETHEUR", "SELL", "EUR", "3210.123456789012345678", "12.5", t2);
    expect(rows.get("KRAKEN-102"), "BTCUSD", "SELL", "USD", "96999.9", "1234567.000000000000000001", t3);
  }

  private static void expect(Row row, String symbol, String side, String currency, String price, String quantity,
      String time) {
    String id = row.getAs("trade_id");
    assertEquals(symbol, row.getAs("symbol"), id);
    assertEquals("KRAKEN", row.getAs("exchange"), id);
    assertEquals(side, row.getAs("side"), id);
    assertEquals(currency, row.getAs("currency"), id);
    assertEquals(new BigDecimal(price).setScale(18), row.getAs("price"), id);
    assertEquals(new BigDecimal(quantity).setScale(18), row.getAs("quantity"), id);
    assertEquals(Instant.parse(time), ((java.sql.Timestamp) row.getAs("timestamp")).toInstant(), id);
  }
}
