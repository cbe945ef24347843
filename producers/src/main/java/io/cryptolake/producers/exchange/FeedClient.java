package io.cryptolake.producers.exchange;

import io.cryptolake.producers.kafka.TradeTopicWriter;
import io.cryptolake.schemas.AvroBinary;
import io.cryptolake.schemas.WireFormat;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared core of the exchange producers: one WebSocket connection at a time (the JDK's client, which
 * answers pings itself), the feed's subscription on every connection, each message parsed by the feed
 * adapter and its trades produced to Kafka, framed with the registry's schema id and keyed by symbol.
 * A dropped connection, a close by the exchange and a silence longer than the timeout all lead to a
 * reconnect after a capped, jittered exponential backoff. Stops on {@link #close()}, or when Kafka refused
 * a record after all its retries (the caller exits non-zero then: a trade Kafka does not have is never
 * reported as sent).
 */
public final class FeedClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FeedClient.class);
  private static final int LOGGED_CHARS = 300;

  private final ExchangeFeed feed;
  private final FeedConfig config;
  private final TradeTopicWriter writer;
  private final int schemaId;
  private final FeedCounters counters = new FeedCounters();
  private final HttpClient http;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicReference<RuntimeException> failure = new AtomicReference<>();

  public FeedClient(ExchangeFeed feed, FeedConfig config, TradeTopicWriter writer, int schemaId) {
    this.feed = feed;
    this.config = config;
    this.writer = writer;
    this.schemaId = schemaId;
    this.http = HttpClient.newBuilder().connectTimeout(config.connectTimeout()).build();
  }

  public FeedCounters counters() {
    return counters;
  }

  /** Connects, reads and reconnects until {@link #close()}; throws if Kafka refused a record. */
  public void run() {
    int attempt = 0;
    while (!stopped()) {
      Instant connectedAt = null;
      String ended;
      try {
        Connection connection = connect();
        connectedAt = Instant.now();
        ended = connection.awaitEnd();
      } catch (RuntimeException e) {
        ended = "could not connect: " + e.getMessage();
      }
      if (stopped()) {
        break;
      }
      if (connectedAt != null && Duration.between(connectedAt, Instant.now()).compareTo(config.maxBackoff()) > 0) {
        attempt = 0;
      }
      long waitMs = backoffMs(attempt++);
      LOG.info("{} connection ended ({}); reconnecting in {} ms", feed.exchange().id(), ended, waitMs);
      await(waitMs);
    }
    RuntimeException failed = failure.get();
    if (failed != null) {
      throw failed;
    }
  }

  /** Full jitter: uniform in [0, min(max, initial * 2^attempt)]. */
  long backoffMs(int attempt) {
    long cap = Math.min(config.maxBackoff().toMillis(), config.initialBackoff().toMillis() << Math.min(attempt, 20));
    return ThreadLocalRandom.current().nextLong(cap + 1);
  }

  private boolean stopped() {
    return stop.getCount() == 0;
  }

  private void await(long ms) {
    try {
      stop.await(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stop.countDown();
    }
  }

  private Connection connect() {
    var uri = feed.connectUri(config.endpoint(), config.symbols());
    Connection connection = new Connection();
    try {
      WebSocket socket = http.newWebSocketBuilder().connectTimeout(config.connectTimeout())
          .buildAsync(uri, connection).get(config.connectTimeout().toMillis() + 1_000, TimeUnit.MILLISECONDS);
      connection.socket = socket;
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(uri + ": " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new IllegalStateException(uri + ": " + e, e);
    }
    if (counters.connects.incrementAndGet() > 1) {
      counters.reconnects.incrementAndGet();
    }
    for (String message : feed.subscribeMessages(config.symbols())) {
      connection.socket.sendText(message, true).join();
    }
    LOG.info("{} connected to {} for {}", feed.exchange().id(), uri, config.symbols());
    return connection;
  }

  /** Produces a message's trades; counts and logs what could not be read. */
  private void handle(String message) {
    counters.messages.incrementAndGet();
    Frame frame = feed.parse(message, Instant.now());
    if (!frame.failures().isEmpty()) {
      counters.parseFailures.addAndGet(frame.failures().size());
      LOG.warn("{}: skipped {} unreadable {} ({}); message: {}", feed.exchange().id(), frame.failures().size(),
          frame.kind() == Frame.Kind.UNREADABLE ? "message" : "trade(s)", String.join("; ", frame.failures()),
          truncate(message));
    }
    for (GenericRecord trade : frame.trades()) {
      byte[] key = feed.key(trade).getBytes(StandardCharsets.UTF_8);
      byte[] value = WireFormat.frame(schemaId, AvroBinary.encode(trade));
      counters.trades.incrementAndGet();
      try {
        writer.send(new ProducerRecord<>(config.topic(), key, value), (metadata, error) -> {
          counters.produced.incrementAndGet();
        });
      } catch (IllegalStateException e) {
        counters.produceErrors.set(Math.max(1, writer.failures()));
        failure.compareAndSet(null, e);
        stop.countDown();
        return;
      }
    }
    counters.produceErrors.set(writer.failures());
  }

  private static String truncate(String message) {
    return message.length() <= LOGGED_CHARS ? message : message.substring(0, LOGGED_CHARS) + "... ("
        + message.length() + " chars)";
  }

  @Override
  public void close() {
    stop.countDown();
  }

  /** One connection: assembles text messages, notes when the last one came, and how it ended. */
  private final class Connection implements WebSocket.Listener {
    volatile WebSocket socket;
    private final StringBuilder partial = new StringBuilder();
    private final AtomicLong lastMessageNanos = new AtomicLong(System.nanoTime());
    private final CompletableFuture<String> ended = new CompletableFuture<>();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      lastMessageNanos.set(System.nanoTime());
      partial.append(data);
      if (last) {
        String message = partial.toString();
        partial.setLength(0);
        handle(message);
      }
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
      lastMessageNanos.set(System.nanoTime());
      webSocket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
      ended.complete("closed by the server: " + statusCode + (reason.isEmpty() ? "" : " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
      ended.complete("dropped: " + error);
    }

    /** Blocks until the connection ends, is silent too long, or the client stops; then closes it. */
    String awaitEnd() {
      long silenceNanos = config.silenceTimeout().toNanos();
      long keepAliveNanos = config.keepAliveEvery().toNanos();
      long lastKeepAlive = System.nanoTime();
      while (true) {
        try {
          return ended.get(200, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          long now = System.nanoTime();
          if (stopped()) {
            closeGracefully();
            return "stopped";
          }
          if (now - lastMessageNanos.get() > silenceNanos) {
            counters.silentDisconnects.incrementAndGet();
            socket.abort();
            return "silent for " + config.silenceTimeout().toSeconds() + " s";
          }
          if (now - lastKeepAlive > keepAliveNanos && feed.keepAliveMessage().isPresent()) {
            socket.sendText(feed.keepAliveMessage().get(), true);
            lastKeepAlive = now;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          stop.countDown();
        } catch (java.util.concurrent.ExecutionException e) {
          return "failed: " + e.getCause();
        }
      }
    }

    private void closeGracefully() {
      try {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "producer stopping").get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.debug("close handshake: {}", e.toString());
      }
      socket.abort();
    }
  }
}
