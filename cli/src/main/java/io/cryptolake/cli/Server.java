package io.cryptolake.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A server a command talks to, by its role and address: answers whether it accepts a connection, so a
 * command can say "Kafka at 127.0.0.1:9092 does not answer" in seconds instead of a client's stack trace
 * minutes later.
 */
public record Server(String role, String address, List<InetSocketAddress> endpoints) {
  private static final Duration PROBE = Duration.ofSeconds(2);
  private static final Map<String, Integer> DEFAULT_DATABASE_PORTS = Map.of("postgresql", 5432, "mysql", 3306,
      "mariadb", 3306);

  /** Kafka's bootstrap list: host:port[,host:port...]. */
  public static Server kafka(String bootstrapServers) {
    List<InetSocketAddress> endpoints = new ArrayList<>();
    for (String hostPort : bootstrapServers.split(",")) {
      String hp = hostPort.trim();
      int colon = hp.lastIndexOf(':');
      if (colon <= 0) {
        throw new ConfigError("--bootstrap-servers: '" + bootstrapServers + "' is not a list of host:port");
      }
      endpoints.add(InetSocketAddress.createUnresolved(hp.substring(0, colon), port(hp.substring(colon + 1),
          "--bootstrap-servers", bootstrapServers)));
    }
    return new Server("Kafka", bootstrapServers, endpoints);
  }

  /** An HTTP server (the Schema Registry, the S3 API, a REST catalog) by its URL. */
  public static Server http(String role, String option, String url) {
    URI uri;
    try {
      uri = URI.create(url.trim());
    } catch (IllegalArgumentException e) {
      throw new ConfigError(option + ": '" + url + "' is not a URL; expected e.g. http://host:port/path");
    }
    if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
      throw new ConfigError(option + ": '" + url + "' is not an http(s) URL; expected e.g. http://host:port/path");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    return new Server(role, url, List.of(InetSocketAddress.createUnresolved(uri.getHost(), port)));
  }

  /**
   * A database server by its JDBC URL ({@code jdbc:postgresql://host[:port]/db...}); empty for a URL with no
   * network address (an embedded database such as {@code jdbc:sqlite:file}).
   */
  public static Optional<Server> jdbc(String role, String option, String url) {
    String trimmed = url.trim();
    if (!trimmed.startsWith("jdbc:") || !trimmed.contains("://")) {
      return Optional.empty();
    }
    URI uri;
    try {
      uri = URI.create(trimmed.substring("jdbc:".length()));
    } catch (IllegalArgumentException e) {
      throw new ConfigError(option + ": '" + url + "' is not a JDBC URL; expected e.g. jdbc:postgresql://host:port/db");
    }
    if (uri.getHost() == null) {
      throw new ConfigError(option + ": '" + url + "' names no host; expected e.g. jdbc:postgresql://host:port/db");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : DEFAULT_DATABASE_PORTS.getOrDefault(uri.getScheme(), -1);
    if (port < 0) {
      throw new ConfigError(option + ": '" + url + "' has no port; expected e.g. jdbc:" + uri.getScheme()
          + "://host:port/db");
    }
    // The address without the query, which may hold a password.
    String address = "jdbc:" + uri.getScheme() + "://" + uri.getHost() + ":" + port + uri.getPath();
    return Optional.of(new Server(role, address, List.of(InetSocketAddress.createUnresolved(uri.getHost(), port))));
  }

  /** True when any endpoint accepts a TCP connection within the probe's timeout. */
  public boolean answers() {
    for (InetSocketAddress endpoint : endpoints) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(endpoint.getHostString(), endpoint.getPort()), (int) PROBE.toMillis());
        return true;
      } catch (IOException e) {
        // try the next endpoint
      }
    }
    return false;
  }

  /** Throws {@link ServerUnreachable} naming the server and the option that points at it. */
  public void require(String option) {
    if (!answers()) {
      throw new ServerUnreachable(this + " does not answer; start it (make servers or make cluster-up) or point "
          + option + " at a running one");
    }
  }

  @Override
  public String toString() {
    return role + " at " + address;
  }

  private static int port(String text, String option, String value) {
    try {
      int port = Integer.parseInt(text);
      if (port > 0 && port < 65536) {
        return port;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ConfigError(option + ": '" + value + "' has no valid port; expected host:port");
  }
}
