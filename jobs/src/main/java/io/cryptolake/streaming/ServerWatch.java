package io.cryptolake.streaming;

import io.cryptolake.cli.Server;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The servers a job depends on, asked after a failure which of them does not answer and since when, so the
 * log says "Kafka at 127.0.0.1:9092 does not answer (for 45 s)" rather than a client's exception.
 */
public final class ServerWatch {
  private final List<Server> servers;
  private final Map<Server, Long> downSince = new HashMap<>();

  public ServerWatch(List<Server> servers) {
    this.servers = List.copyOf(servers);
  }

  public static ServerWatch none() {
    return new ServerWatch(List.of());
  }

  /** Checks every {@code period} on a daemon thread and hands {@code report} the servers down, if any. */
  public void reportEvery(Duration period, Consumer<String> report) {
    if (servers.isEmpty()) {
      return;
    }
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "server-watch");
      thread.setDaemon(true);
      return thread;
    });
    timer.scheduleWithFixedDelay(() -> {
      String down = down();
      if (!down.isEmpty()) {
        report.accept(down);
      }
    }, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** The servers that do not answer now, with how long they have not; empty when all answer. */
  public synchronized String down() {
    long now = System.nanoTime();
    List<String> down = servers.stream().filter(server -> {
      if (server.answers()) {
        downSince.remove(server);
        return false;
      }
      downSince.putIfAbsent(server, now);
      return true;
    }).map(server -> server + " does not answer (for "
        + Duration.ofNanos(now - downSince.get(server)).toSeconds() + " s)").toList();
    return down.stream().collect(Collectors.joining("; "));
  }
}
