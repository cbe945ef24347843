package io.cryptolake.localstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * PostgreSQL, the catalog database of the local cluster (Iceberg's JDBC catalog): a real server shared by
 * every job, unlike a SQLite file. The binaries are io.zonky's build for linux-x86_64, from Maven Central.
 * Ready when the catalog database exists and answers a query. PostgreSQL refuses to run as root; as root (CI
 * containers) it runs in a user namespace where it is {@code nobody}, and still owns its files.
 */
public final class PostgresServer extends ManagedServer {
  public static final String DATABASE = "iceberg";
  public static final String USER = "iceberg";

  public PostgresServer(LocalServersConfig config) {
    super("postgres", config, Duration.ofSeconds(60));
  }

  /** The JDBC URL of the catalog database (local trust authentication: no password). */
  public String jdbcUrl() {
    return config.catalogJdbcUrl();
  }

  @Override
  protected Map<Integer, String> ports() {
    return Map.of(config.postgresPort(), "CRYPTOLAKE_POSTGRES_PORT");
  }

  @Override
  protected List<String> prepare() throws IOException {
    Path binaries = binaries();
    Path pgdata = dataDir().resolve("pgdata");
    if (!Files.exists(pgdata.resolve("PG_VERSION"))) {
      run(asServerUser(List.of(binaries.resolve("bin/initdb").toString(), "-D", pgdata.toString(), "-U", USER,
          "--auth=trust", "--encoding=UTF8", "--no-locale", "--no-instructions")));
    }
    // TCP on loopback only, no Unix socket (its default directory is not ours to write).
    return asServerUser(List.of(binaries.resolve("bin/postgres").toString(), "-D", pgdata.toString(),
        "-p", String.valueOf(config.postgresPort()), "-c", "listen_addresses=127.0.0.1",
        "-c", "unix_socket_directories=", "-c", "max_connections=200"));
  }

  @Override
  protected void probe() throws Exception {
    String admin = "jdbc:postgresql://127.0.0.1:" + config.postgresPort() + "/postgres?user=" + USER;
    try (Connection connection = DriverManager.getConnection(admin);
        Statement statement = connection.createStatement()) {
      try (ResultSet exists = statement.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (!exists.next()) {
          statement.execute("CREATE DATABASE " + DATABASE);
        }
      }
    }
    try (Connection connection = DriverManager.getConnection(jdbcUrl());
        Statement statement = connection.createStatement();
        ResultSet one = statement.executeQuery("SELECT 1")) {
      one.next();
    }
  }

  /** Fast shutdown (SIGINT): open sessions, such as running jobs' catalog pools, do not hold it up. */
  @Override
  protected void askToStop(Process server, List<ProcessHandle> tree) {
    try {
      new ProcessBuilder("kill", "-INT", String.valueOf(server.pid())).inheritIO().start()
          .waitFor(10, TimeUnit.SECONDS);
    } catch (IOException e) {
      super.askToStop(server, tree);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      super.askToStop(server, tree);
    }
  }

  /** The server's programs, unpacked once next to the .txz the build copies from the binaries jar. */
  private Path binaries() throws IOException {
    Path archive = dist("postgres/postgres-linux-x86_64.txz");
    Path unpacked = archive.resolveSibling("pgsql");
    if (!Files.isExecutable(unpacked.resolve("bin/postgres"))) {
      Path partial = Files.createTempDirectory(archive.getParent(), "pgsql-");
      run(List.of("tar", "-xJf", archive.toString(), "-C", partial.toString()));
      try {
        Files.move(partial, unpacked);
      } catch (IOException anotherStartWon) {
        if (!Files.isExecutable(unpacked.resolve("bin/postgres"))) {
          throw anotherStartWon;
        }
      }
    }
    return unpacked;
  }

  private static boolean root() throws IOException {
    return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
  }

  /**
   * Root runs the server in a new user namespace as uid 65534: PostgreSQL sees a user that is not root, while
   * the kernel still checks its files as root's, so a data directory anywhere root can write works.
   */
  private static List<String> asServerUser(List<String> command) throws IOException {
    if (!root()) {
      return command;
    }
    List<String> wrapped = new ArrayList<>(List.of("unshare", "--user", "--map-user=65534", "--map-group=65534",
        "--"));
    wrapped.addAll(command);
    return wrapped;
  }

  private void run(List<String> command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile())).start();
    try {
      if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " failed; see " + logFile());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }
}
