package io.cryptolake.producers.exchange;

import java.util.List;
import org.apache.avro.generic.GenericRecord;

/**
 * What one WebSocket message held: raw trade records ready to produce, and the trades (or the whole
 * message) that could not be read, each with why.
 */
public record Frame(Kind kind, List<GenericRecord> trades, List<String> failures) {
  public enum Kind {
    /** Trades (Binance trade events, Kraken snapshot and update messages). */
    TRADES,
    /** The exchange says the connection is alive. */
    HEARTBEAT,
    /** Subscription acknowledgements, pongs, status: nothing to produce. */
    CONTROL,
    /** Not JSON, or not a message this exchange sends. */
    UNREADABLE
  }

  public static Frame trades(List<GenericRecord> trades, List<String> failures) {
    return new Frame(Kind.TRADES, trades, failures);
  }

  public static Frame of(Kind kind) {
    return new Frame(kind, List.of(), List.of());
  }

  public static Frame unreadable(String why) {
    return new Frame(Kind.UNREADABLE, List.of(), List.of(why));
  }
}
