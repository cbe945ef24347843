package io.cryptolake.proof;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The checkout under test: its files, config/local.env, and commands run in it as an operator would. */
public final class Project {
  private Project() {}

  /** The checkout: the cryptolake.root property, else the nearest directory up from here with config/local.env. */
  public static Path root() {
    String configured = System.getProperty("cryptolake.root");
    if (configured != null) {
      return Paths.get(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Paths.get("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.exists(dir.resolve("config/local.env"))) {
        return dir;
      }
    }
    throw new IllegalStateException("not inside a cryptolake checkout (no config/local.env above "
        + Paths.get("").toAbsolutePath() + "); set -Dcryptolake.root");
  }

  public static Path file(String relative) {
    return root().resolve(relative);
  }

  public static String read(String relative) {
    try {
      return Files.readString(file(relative));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** config/local.env as a map, in file order. */
  public static Map<String, String> localEnv() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : read("config/local.env").split("\n")) {
      if (line.matches("[A-Z_][A-Z0-9_]*=.*")) {
        env.put(line.substring(0, line.indexOf('=')), line.substring(line.indexOf('=') + 1));
      }
    }
    return env;
  }

  /** config/local.env with the environment's values winning, as bin/load-env applies it. */
  public static Map<String, String> settings() {
    Map<String, String> settings = localEnv();
    settings.replaceAll((name, value) -> System.getenv().getOrDefault(name, value));
    return settings;
  }

  /** The five streaming jobs, as the Makefile lists them. */
  public static List<String> streamingJobs() {
    for (String line : read("Makefile").split("\n")) {
      if (line.startsWith("JOBS :=")) {
        return List.of(line.substring("JOBS :=".length()).trim().split("\\s+"));
      }
    }
    throw new IllegalStateException("no JOBS := line in the Makefile");
  }

  /** The environment variable of a job's UI port: gold -> CRYPTOLAKE_UI_PORT_GOLD. */
  public static String uiPortVariable(String job) {
    return "CRYPTOLAKE_UI_PORT_" + job.toUpperCase(java.util.Locale.ROOT).replace('-', '_');
  }

  public record Result(int exit, String output) {}

  /** Runs a command in the checkout with extra environment; output and errors together. */
  public static Result run(Map<String, String> env, Duration timeout, String... command) {
    try {
      Path log = Files.createTempFile("cryptolake-command", ".log");
      ProcessBuilder builder = new ProcessBuilder(command).directory(root().toFile()).redirectErrorStream(true)
          .redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " did not finish in " + timeout + ":\n"
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      String output = Files.readString(log, StandardCharsets.UTF_8);
      Files.delete(log);
      return new Result(process.exitValue(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** promtool from Debian's prometheus package; `make tools` installs it. */
  public static String promtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      if (Files.isExecutable(Paths.get(dir, "promtool"))) {
        return Paths.get(dir, "promtool").toString();
      }
    }
    throw new IllegalStateException("promtool is not installed: run `make tools` (installs Debian's prometheus "
        + "package), or put promtool on the PATH");
  }

  /** Writes a run's Markdown report to {@code <dir>/report.md} and prints it, then where it is. */
  public static void writeReport(Path dir, String markdown) throws IOException {
    Path file = dir.resolve("report.md");
    Files.writeString(file, markdown);
    System.out.println(markdown);
    System.out.println("report: " + file);
  }
}
