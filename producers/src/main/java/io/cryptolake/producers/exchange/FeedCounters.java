package io.cryptolake.producers.exchange;

import java.util.concurrent.atomic.AtomicLong;

/** What a feed client did, for its metrics line and for tests. */
public final class FeedCounters {
  final AtomicLong messages = new AtomicLong();
  final AtomicLong trades = new AtomicLong();
  final AtomicLong produced = new AtomicLong();
  final AtomicLong connects = new AtomicLong();
  final AtomicLong reconnects = new AtomicLong();
  final AtomicLong silentDisconnects = new AtomicLong();
  final AtomicLong parseFailures = new AtomicLong();
  final AtomicLong produceErrors = new AtomicLong();
  private long lastMessages;
  private long lastAt = System.nanoTime();

  public long messages() {
    return messages.get();
  }

  /** Trades read from messages and handed to Kafka. */
  public long trades() {
    return trades.get();
  }

  /** Trades Kafka acknowledged. */
  public long produced() {
    return produced.get();
  }

  public long connects() {
    return connects.get();
  }

  /** Connections after the first: after a drop, a close by the exchange or a silence. */
  public long reconnects() {
    return reconnects.get();
  }

  /** Connections given up because nothing arrived within the silence timeout. */
  public long silentDisconnects() {
    return silentDisconnects.get();
  }

  /** Messages or trades in them that could not be read, each skipped. */
  public long parseFailures() {
    return parseFailures.get();
  }

  public long produceErrors() {
    return produceErrors.get();
  }

  /** One line for the log: rates since the previous line, totals since the start. */
  public synchronized String line(String exchange) {
    long now = System.nanoTime();
    long messagesNow = messages.get();
    double perSecond = (messagesNow - lastMessages) / Math.max(1e-9, (now - lastAt) / 1e9);
    lastMessages = messagesNow;
    lastAt = now;
    return String.format("%s feed: %.1f messages/s, %d messages, %d trades (%d acknowledged by Kafka), "
        + "%d reconnects (%d after silence), %d parse failures, %d produce errors", exchange, perSecond,
        messagesNow, trades.get(), produced.get(), reconnects.get(), silentDisconnects.get(), parseFailures.get(),
        produceErrors.get());
  }
}
