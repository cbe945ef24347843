package io.cryptolake.producers.exchange;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.java_websocket.WebSocket;
import org.java_websocket.framing.CloseFrame;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;

/**
 * A WebSocket server on 127.0.0.1 that plays an exchange's side of the protocol for tests: it answers
 * Kraken's subscribe and ping requests, sends Kraken heartbeats, and sends whatever recorded-style frames a
 * test gives it. It can drop every connection (no close handshake) and go silent.
 */
public final class LocalExchangeServer extends WebSocketServer implements AutoCloseable {
  private final CountDownLatch started = new CountDownLatch(1);
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger subscriptions = new AtomicInteger();
  private final java.util.Set<WebSocket> silenced = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor();

  public LocalExchangeServer() {
    super(new InetSocketAddress("127.0.0.1", 0));
    setConnectionLostTimeout(0);
    setReuseAddr(true);
  }

  /** Starts it; with {@code krakenHeartbeats}, every subscribed connection gets a heartbeat every 200 ms. */
  public LocalExchangeServer begin(boolean krakenHeartbeats) throws InterruptedException {
    start();
    if (!started.await(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException("local exchange server did not start");
    }
    if (krakenHeartbeats) {
      heartbeats.scheduleAtFixedRate(() -> sendToAll("{\"channel\":\"heartbeat\"}"), 200, 200,
          TimeUnit.MILLISECONDS);
    }
    return this;
  }

  public URI uri(String path) {
    return URI.create("ws://127.0.0.1:" + getPort() + path);
  }

  /** The path and query of every connection so far. */
  public List<String> paths() {
    return List.copyOf(paths);
  }

  public List<String> received() {
    return List.copyOf(received);
  }

  public int subscriptions() {
    return subscriptions.get();
  }

  public int openConnections() {
    return getConnections().size();
  }

  public void sendToAll(String frame) {
    for (WebSocket connection : getConnections()) {
      if (connection.isOpen() && !silenced.contains(connection)) {
        connection.send(frame);
      }
    }
  }

  /** Cuts every connection without a close handshake, as a network failure would. */
  public void dropAll() {
    getConnections().forEach(c -> c.closeConnection(CloseFrame.ABNORMAL_CLOSE, "dropped"));
  }

  /**
   * The connections open now get nothing more, not even heartbeats or answers, though they stay open: a
   * silent exchange. Later connections are served as usual.
   */
  public void silenceOpenConnections() {
    silenced.addAll(getConnections());
  }

  @Override
  public void onStart() {
    started.countDown();
  }

  @Override
  public void onOpen(WebSocket connection, ClientHandshake handshake) {
    paths.add(handshake.getResourceDescriptor());
  }

  @Override
  public void onMessage(WebSocket connection, String message) {
    received.add(message);
    if (silenced.contains(connection)) {
      return;
    }
    if (message.contains("\"method\":\"subscribe\"")) {
      subscriptions.incrementAndGet();
      connection.send("{\"method\":\"subscribe\",\"result\":{\"channel\":\"trade\",\"snapshot\":true,"
          + "\"symbol\":\"BTC/USD\"},\"success\":true,\"time_in\":\"2026-11-21T10:00:00.000000Z\","
          + "\"time_out\":\"2026-11-21T10:00:00.000100Z\"}");
    } else if (message.contains("\"method\":\"ping\"")) {
      connection.send("{\"method\":\"pong\",\"time_in\":\"2026-11-21T10:00:00.000000Z\","
          + "\"time_out\":\"2026-11-21T10:00:00.000100Z\"}");
    }
  }

  @Override
  public void onClose(WebSocket connection, int code, String reason, boolean remote) {}

  @Override
  public void onError(WebSocket connection, Exception error) {}

  @Override
  public void close() throws InterruptedException {
    heartbeats.shutdownNow();
    stop(2_000);
  }
}
