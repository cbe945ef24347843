package io.cryptolake.producers.exchange;

import io.cryptolake.producers.IngestionTime;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cryptolake.schemas.Exchange;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kraken's WebSocket v2 {@code trade} channel: a subscribe request per connection; a snapshot of recent trades,
 * then updates, each {@code {"channel":"trade","type":...,"data":[trades]}}; heartbeats every second while
 * subscribed. Prices and quantities are JSON numbers: their text is kept as sent. A snapshot after a
 * reconnect repeats trades already produced; gold removes them by trade id.
 */
public final class KrakenFeed implements ExchangeFeed {
  private static final Logger LOG = LoggerFactory.getLogger(KrakenFeed.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final boolean snapshot;

  public KrakenFeed(boolean snapshot) {
    this.snapshot = snapshot;
  }

  @Override
  public Exchange exchange() {
    return Exchange.KRAKEN;
  }

  @Override
  public URI defaultEndpoint() {
    return URI.create("wss://ws.kraken.com/v2");
  }

  @Override
  public List<String> defaultSymbols() {
    return List.of("BTC/USD", "ETH/USD", "SOL/USD");
  }

  @Override
  public URI connectUri(URI endpoint, List<String> symbols) {
    return endpoint;
  }

  @Override
  public List<String> subscribeMessages(List<String> symbols) {
    try {
      return List.of(JSON.writeValueAsString(Map.of("method", "subscribe",
          "params", Map.of("channel", "trade", "symbol", symbols, "snapshot", snapshot))));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public Optional<String> keepAliveMessage() {
    return Optional.of("{\"method\":\"ping\"}");
  }

  @Override
  public Frame parse(String message, Instant receivedAt) {
    JsonNode root;
    try {
      root = JsonText.read(message);
    } catch (IOException e) {
      return Frame.unreadable("not JSON: " + e.getMessage());
    }
    String channel = root.path("channel").asText("");
    if (channel.equals("heartbeat")) {
      return Frame.of(Frame.Kind.HEARTBEAT);
    }
    if (channel.equals("trade")) {
      return trades(root.path("data"), receivedAt);
    }
    if (root.has("method")) {
      if (root.path("success").isBoolean() && !root.path("success").booleanValue()) {
        LOG.warn("kraken refused {}: {}", root.path("method").asText(), root.path("error").asText());
      }
      return Frame.of(Frame.Kind.CONTROL);
    }
    if (channel.equals("status")) {
      return Frame.of(Frame.Kind.CONTROL);
    }
    return Frame.unreadable("not a Kraken v2 message: no channel or method");
  }

  private Frame trades(JsonNode data, Instant receivedAt) {
    if (!data.isArray()) {
      return Frame.unreadable("trade message without a data array");
    }
    List<GenericRecord> records = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (JsonNode trade : data) {
      try {
        records.add(record(trade, receivedAt));
      } catch (IllegalArgumentException e) {
        failures.add(e.getMessage());
      }
    }
    return Frame.trades(records, failures);
  }

  private GenericRecord record(JsonNode trade, Instant receivedAt) {
    GenericRecord record = new GenericData.Record(exchange().rawSchema());
    record.put("symbol", Fields.text(trade, "symbol"));
    record.put("side", Fields.text(trade, "side"));
    record.put("price", Fields.text(trade, "price"));
    record.put("qty", Fields.text(trade, "qty"));
    record.put("ord_type", Fields.text(trade, "ord_type"));
    record.put("trade_id", Fields.number(trade, "trade_id"));
    record.put("timestamp", Fields.text(trade, "timestamp"));
    IngestionTime.stamp(record, receivedAt);
    return record;
  }
}
