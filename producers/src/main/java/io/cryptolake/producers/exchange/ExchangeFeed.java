package io.cryptolake.producers.exchange;

import io.cryptolake.schemas.Exchange;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What differs between exchanges' public trade streams: where to connect, how to subscribe, how to keep
 * the connection alive, and how a message becomes raw records of the exchange's schema (spec section 2).
 * {@link FeedClient} does everything else. A new exchange is a new implementation and an entry in
 * {@link ExchangeFeeds}.
 */
public interface ExchangeFeed {
  Exchange exchange();

  /** The public endpoint this feed connects to when none is configured. */
  URI defaultEndpoint();

  List<String> defaultSymbols();

  /** The URI to open for these symbols (Binance puts the streams in the URI). */
  URI connectUri(URI endpoint, List<String> symbols);

  /** Text messages to send once connected (Kraken's subscribe request). */
  List<String> subscribeMessages(List<String> symbols);

  /** An application-level ping to send periodically, for exchanges that want one. */
  Optional<String> keepAliveMessage();

  /** Reads one message; never throws: what cannot be read is in the frame's failures. */
  Frame parse(String message, Instant receivedAt);

  /** The Kafka key of a record: the exchange symbol. */
  default String key(org.apache.avro.generic.GenericRecord record) {
    return record.get("symbol").toString();
  }
}
