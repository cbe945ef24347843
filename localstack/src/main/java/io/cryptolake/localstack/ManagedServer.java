package io.cryptolake.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server run as a child JVM: refuses to start on a taken port, waits until a real readiness probe
 * passes (or the process dies, whose log tail is then reported), and stops it with its whole process tree.
 */
public abstract class ManagedServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ManagedServer.class);
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);
  /** Extra options for every local server's JVM. */
  public static final String SERVER_JVM_OPTIONS = "CRYPTOLAKE_SERVER_JVM_OPTIONS";

  protected final LocalServersConfig config;
  private final String name;
  private final Duration startTimeout;
  private Process process;

  protected ManagedServer(String name, LocalServersConfig config, Duration startTimeout) {
    this.name = name;
    this.config = config;
    this.startTimeout = startTimeout;
  }

  public String name() {
    return name;
  }

  /** The ports this server listens on, each with the setting that changes it. */
  protected abstract Map<Integer, String> ports();

  /** Prepares the data directory and returns the command line of the server's JVM. */
  protected abstract List<String> prepare() throws IOException;

  /** Extra environment for the server's process. */
  protected Map<String, String> environment() {
    return Map.of();
  }

  /** One readiness attempt: returns normally only when the server did real work. */
  protected abstract void probe() throws Exception;

  /** Asks the server to stop (SIGTERM to its whole tree); what is still alive after a grace period is killed. */
  protected void askToStop(Process server, List<ProcessHandle> tree) {
    tree.forEach(ProcessHandle::destroy);
  }

  public synchronized void start() {
    if (isRunning()) {
      return;
    }
    requirePortsFree();
    try {
      Files.createDirectories(dataDir());
      ProcessBuilder builder = new ProcessBuilder(prepare())
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
      builder.environment().putAll(environment());
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    awaitReady();
    LOG.info("{} ready (pid {}, log {})", name, process.pid(), logFile());
  }

  public synchronized void stop() {
    if (process == null) {
      return;
    }
    Process stopping = process;
    process = null;
    List<ProcessHandle> tree = new ArrayList<>(stopping.descendants().toList());
    tree.add(stopping.toHandle());
    askToStop(stopping, tree);
    for (ProcessHandle handle : tree) {
      try {
        handle.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception timedOut) {
        LOG.warn("{} (pid {}) did not stop within {}; killing it", name, handle.pid(), STOP_GRACE);
        handle.destroyForcibly();
      }
    }
    try {
      stopping.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(name + " (pid " + stopping.pid() + ") survived a kill", e);
    }
    LOG.info("{} stopped", name);
  }

  public synchronized boolean isRunning() {
    return process != null && process.isAlive();
  }

  /** The pid of the server's JVM, for tools that need to signal it. */
  public synchronized long pid() {
    if (process == null) {
      throw new IllegalStateException(name + " is not running");
    }
    return process.pid();
  }

  @Override
  public void close() {
    stop();
  }

  protected Path dataDir() {
    return config.dataDir().resolve(name);
  }

  public Path logFile() {
    return config.dataDir().resolve(name + ".log");
  }

  /**
   * The start of a server's command line: this JVM's java, the given heap options, then
   * {@code CRYPTOLAKE_SERVER_JVM_OPTIONS} (space-separated; none by default).
   */
  protected static List<String> java(String... heap) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(heap));
    String extra = System.getenv().getOrDefault(SERVER_JVM_OPTIONS, "").trim();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    return command;
  }

  protected Path dist(String relative) {
    Path path = config.distDir().resolve(relative);
    if (!Files.exists(path)) {
      throw new IllegalStateException("the " + name + " distribution is missing at " + path
          + ": build it with `mvn -pl servers generate-resources` (every make target does), or point "
          + LocalServersConfig.DIST_DIR_PROPERTY + " / CRYPTOLAKE_DIST_DIR at it");
    }
    return path;
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    Exception last = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with code " + process.exitValue()
            + " while starting; last lines of " + logFile() + ":\n" + logTail());
      }
      try {
        probe();
        return;
      } catch (Exception e) {
        last = e;
        sleepQuietly(Duration.ofMillis(250));
      }
    }
    stop();
    throw new IllegalStateException(name + " was not ready within " + startTimeout + " (last probe: " + last
        + "); last lines of " + logFile() + ":\n" + logTail());
  }

  /** Throws, naming the port and the setting that moves it, when a port of this server is taken. */
  void requirePortsFree() {
    ports().forEach(this::requireFree);
  }

  private void requireFree(int port, String setting) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(false);
    } catch (IOException e) {
      throw new IllegalStateException(name + " cannot start: port " + port + " on 127.0.0.1 is already in use "
          + "(another instance, or a previous run still alive?). Stop it, or choose another port with "
          + setting + ".");
    }
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  static void sleepQuietly(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
