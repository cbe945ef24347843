package io.cryptolake.producers.exchange;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.schemas.Exchange;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The exchange clients against a local server speaking each exchange's protocol, into a real Kafka. */
class ExchangeFeedTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  static String binanceTrade(String symbol, long id, String price, String qty, boolean buyerMaker) {
    return "{\"stream\":\"" + symbol.toLowerCase() + "@trade\",\"data\":{\"e\":\"trade\",\"E\":1795000000" + id
        + ",\"s\":\"" + symbol + "\",\"t\":" + id + ",\"p\":\"" + price + "\",\"q\":\"" + qty
        + "\",\"T\":1795000000" + (id - 1) + ",\"m\":" + buyerMaker + ",\"M\":true}}";
  }

  /** A Kraken v2 trade as it appears in a data array: price and qty are JSON numbers. */
  static String krakenTrade(String symbol, long id, String side, String price, String qty) {
    return "{\"symbol\":\"" + symbol + "\",\"side\":\"" + side + "\",\"price\":" + price + ",\"qty\":" + qty
        + ",\"ord_type\":\"market\",\"trade_id\":" + id + ",\"timestamp\":\"2026-11-21T10:00:0" + (id % 10)
        + ".123456Z\"}";
  }

  static String krakenMessage(String type, String... trades) {
    return "{\"channel\":\"trade\",\"type\":\"" + type + "\",\"data\":[" + String.join(",", trades) + "]}";
  }

  private static Map<Long, GenericRecord> byTradeId(List<GenericRecord> records) {
    return records.stream().collect(Collectors.toMap(r -> (Long) r.get("trade_id"), Function.identity(),
        (a, b) -> { throw new AssertionError("trade " + a.get("trade_id") + " twice"); }, TreeMap::new));
  }

  @Test
  void binanceTradesArriveAsExactRawRecordsKeyedBySymbol() throws Exception {
    try (LocalExchangeServer server = new LocalExchangeServer().begin(false);
        FeedHarness feed = new FeedHarness(Exchange.BINANCE, "feed-binance-exact", server.uri("/"),
            List.of("BTCUSDT", "ETHUSDT"), Duration.ofSeconds(30))) {
      await().atMost(WAIT).until(() -> server.openConnections() == 1);
      assertEquals(List.of("/stream?streams=btcusdt@trade/ethusdt@trade"), server.paths());
      server.sendToAll(binanceTrade("BTCUSDT", 5001, "97123.45000000", "0.00012000", true));
      server.sendToAll(binanceTrade("ETHUSDT", 7001, "3456.78000000", "1.23456789", false));
      await().atMost(WAIT).until(() -> feed.client.counters().produced() == 2);

      Map<Long, GenericRecord> records = byTradeId(feed.records());
      GenericRecord btc = records.get(5001L);
      assertEquals("trade", btc.get("event_type").toString());
      assertEquals(17950000005001L, btc.get("event_time_ms"));
      assertEquals("BTCUSDT", btc.get("symbol").toString());
      assertEquals("97123.45000000", btc.get("price").toString());
      assertEquals("0.00012000", btc.get("quantity").toString());
      assertEquals(17950000005000L, btc.get("trade_time_ms"));
      assertEquals(true, btc.get("is_buyer_maker"));
      assertEquals(true, btc.get("is_best_match"));
      GenericRecord eth = records.get(7001L);
      assertEquals("3456.78000000", eth.get("price").toString());
      assertEquals("1.23456789", eth.get("quantity").toString());
      assertEquals(false, eth.get("is_buyer_maker"));
      for (ConsumerRecord<byte[], byte[]> r : feed.rawRecords()) {
        String key = new String(r.key(), StandardCharsets.UTF_8);
        assertEquals(key.equals("BTCUSDT") ? 5001L : 7001L, feed.records().stream()
            .filter(x -> x.get("symbol").toString().equals(key)).findFirst().orElseThrow().get("trade_id"));
      }
    }
  }

  @Test
  void krakenSnapshotAndUpdatesKeepEveryNumberCharacterForCharacter() throws Exception {
    try (LocalExchangeServer server = new LocalExchangeServer().begin(true);
        FeedHarness feed = new FeedHarness(Exchange.KRAKEN, "feed-kraken-exact", server.uri("/v2"),
            List.of("BTC/USD", "ETH/USD"), Duration.ofSeconds(30))) {
      await().atMost(WAIT).until(() -> server.subscriptions() == 1);
      assertEquals("{\"method\":\"subscribe\",\"params\":{\"channel\":\"trade\",\"snapshot\":false,"
          + "\"symbol\":[\"BTC/USD\",\"ETH/USD\"]}}", normalise(server.received().get(0)));
      server.sendToAll(krakenMessage("snapshot",
          krakenTrade("BTC/USD", 101, "buy", "97000.1", "0.00000001"),
          krakenTrade("BTC/USD", 102, "sell", "97000.10", "12.345678901234567890")));
      server.sendToAll(krakenMessage("update", krakenTrade("ETH/USD", 201, "sell", "3456", "0.1000")));
      await().atMost(WAIT).until(() -> feed.client.counters().produced() == 3);

      Map<Long, GenericRecord> records = byTradeId(feed.records());
      assertEquals(List.of(101L, 102L, 201L), List.copyOf(records.keySet()));
      assertEquals(List.of("97000.1", "97000.10", "3456"), records.values().stream()
          .map(r -> r.get("price").toString()).toList());
      assertEquals(List.of("0.00000001", "12.345678901234567890", "0.1000"), records.values().stream()
          .map(r -> r.get("qty").toString()).toList());
      GenericRecord first = records.get(101L);
      assertEquals("BTC/USD", first.get("symbol").toString());
      assertEquals("buy", first.get("side").toString());
      assertEquals("market", first.get("ord_type").toString());
      assertEquals("2026-11-21T10:00:01.123456Z", first.get("timestamp").toString());
      assertEquals(0, feed.client.counters().parseFailures());
    }
  }

  @Test
  void aDroppedAndThenASilentConnectionAreReconnectedAndNothingSentAfterwardsIsLost() throws Exception {
    try (LocalExchangeServer server = new LocalExchangeServer().begin(true);
        FeedHarness feed = new FeedHarness(Exchange.KRAKEN, "feed-kraken-reconnect", server.uri("/v2"),
            List.of("BTC/USD"), Duration.ofMillis(1_500))) {
      FeedCounters counters = feed.client.counters();
      await().atMost(WAIT).until(() -> server.subscriptions() == 1);
      server.sendToAll(krakenMessage("update", krakenTrade("BTC/USD", 1, "buy", "1.5", "2"),
          krakenTrade("BTC/USD", 2, "sell", "1.6", "3")));
      await().atMost(WAIT).until(() -> counters.produced() == 2);

      server.dropAll();
      await().atMost(WAIT).until(() -> server.subscriptions() == 2);
      server.sendToAll(krakenMessage("update", krakenTrade("BTC/USD", 3, "buy", "1.7", "4")));
      await().atMost(WAIT).until(() -> counters.produced() == 3);

      server.silenceOpenConnections();
      await().atMost(WAIT).until(() -> server.subscriptions() == 3);
      server.sendToAll(krakenMessage("update", krakenTrade("BTC/USD", 4, "sell", "1.8", "5"),
          krakenTrade("BTC/USD", 5, "buy", "1.9", "6")));
      await().atMost(WAIT).until(() -> counters.produced() == 5);

      assertEquals(List.of(1L, 2L, 3L, 4L, 5L), List.copyOf(byTradeId(feed.records()).keySet()));
      assertEquals(3, counters.connects());
      assertEquals(2, counters.reconnects());
      assertEquals(1, counters.silentDisconnects());
      assertEquals(0, counters.parseFailures());
      assertEquals(0, counters.produceErrors());
    }
  }

  @Test
  void malformedMessagesAndTradesAreCountedAndSkippedAndTheFeedGoesOn() throws Exception {
    try (LocalExchangeServer server = new LocalExchangeServer().begin(false);
        FeedHarness feed = new FeedHarness(Exchange.BINANCE, "feed-binance-malformed", server.uri("/"),
            List.of("BTCUSDT"), Duration.ofSeconds(30))) {
      await().atMost(WAIT).until(() -> server.openConnections() == 1);
      server.sendToAll(binanceTrade("BTCUSDT", 1, "10.5", "1", true));
      server.sendToAll("this is not json {");
      server.sendToAll(binanceTrade("BTCUSDT", 2, "10.6", "1", true).replace("\"p\":\"10.6\",", ""));
      server.sendToAll(binanceTrade("BTCUSDT", 3, "10.7", "1", true).replace("\"t\":3", "\"t\":\"three\""));
      server.sendToAll("{\"unexpected\":true}");
      server.sendToAll(binanceTrade("BTCUSDT", 4, "10.8", "1", false));
      await().atMost(WAIT).until(() -> feed.client.counters().messages() == 6);
      await().atMost(WAIT).until(() -> feed.client.counters().produced() == 2);

      assertEquals(List.of(1L, 4L), List.copyOf(byTradeId(feed.records()).keySet()));
      assertEquals(4, feed.client.counters().parseFailures());
      assertEquals(2, feed.client.counters().trades());
    }
  }

  private static String normalise(String json) {
    try {
      var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
      var tree = mapper.readTree(json);
      // Field order of the request is not part of the protocol; compare with sorted fields.
      return mapper.copy().configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
          .writeValueAsString(mapper.treeToValue(tree, Object.class));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
