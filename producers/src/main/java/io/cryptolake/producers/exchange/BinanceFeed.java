package io.cryptolake.producers.exchange;

import io.cryptolake.producers.IngestionTime;
import com.fasterxml.jackson.databind.JsonNode;
import io.cryptolake.schemas.Exchange;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/**
 * Binance's combined trade stream: {@code /stream?streams=btcusdt@trade/...}; each message is
 * {@code {"stream": ..., "data": {trade event}}}. Binance pings and the client answers (the JDK's WebSocket
 * does so on its own); it closes every connection after 24 hours, which is routine.
 */
public final class BinanceFeed implements ExchangeFeed {
  @Override
  public Exchange exchange() {
    return Exchange.BINANCE;
  }

  @Override
  public URI defaultEndpoint() {
    return URI.create("wss://stream.binance.com:9443");
  }

  @Override
  public List<String> defaultSymbols() {
    return List.of("BTCUSDT", "ETHUSDT", "SOLUSDT");
  }

  @Override
  public URI connectUri(URI endpoint, List<String> symbols) {
    String streams = symbols.stream().map(s -> s.toLowerCase(Locale.ROOT) + "@trade")
        .collect(Collectors.joining("/"));
    String base = endpoint.toString().replaceAll("/+$", "");
    return URI.create(base + "/stream?streams=" + streams);
  }

  @Override
  public List<String> subscribeMessages(List<String> symbols) {
    return List.of();
  }

  @Override
  public Optional<String> keepAliveMessage() {
    return Optional.empty();
  }

  @Override
  public Frame parse(String message, Instant receivedAt) {
    JsonNode root;
    try {
      root = JsonText.read(message);
    } catch (IOException e) {
      return Frame.unreadable("not JSON: " + e.getMessage());
    }
    JsonNode data = root.path("data");
    if (!data.isObject()) {
      // {"result": null, "id": 1} answers a subscribe call; anything else is not something Binance sends here.
      return root.has("result") || root.has("id") ? Frame.of(Frame.Kind.CONTROL)
          : Frame.unreadable("no data object in a combined-stream message");
    }
    try {
      if (!"trade".equals(Fields.text(data, "e"))) {
        return Frame.of(Frame.Kind.CONTROL);
      }
      return Frame.trades(List.of(record(data, receivedAt)), List.of());
    } catch (IllegalArgumentException e) {
      return Frame.trades(List.of(), List.of(e.getMessage()));
    }
  }

  private GenericRecord record(JsonNode trade, Instant receivedAt) {
    GenericRecord record = new GenericData.Record(exchange().rawSchema());
    record.put("event_type", Fields.text(trade, "e"));
    record.put("event_time_ms", Fields.number(trade, "E"));
    record.put("symbol", Fields.text(trade, "s"));
    record.put("trade_id", Fields.number(trade, "t"));
    record.put("price", Fields.text(trade, "p"));
    record.put("quantity", Fields.text(trade, "q"));
    record.put("trade_time_ms", Fields.number(trade, "T"));
    record.put("is_buyer_maker", Fields.bool(trade, "m"));
    record.put("is_best_match", Fields.optionalBool(trade, "M"));
    IngestionTime.stamp(record, receivedAt);
    return record;
  }
}
