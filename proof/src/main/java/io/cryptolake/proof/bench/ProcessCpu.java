package io.cryptolake.proof.bench;

import io.cryptolake.localstack.LocalServers;
import io.cryptolake.localstack.ManagedServer;
import io.cryptolake.proof.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CPU time each process of a benchmark run has used so far, by role: each local server (with the processes
 * it started), the Spark master and workers, each application's driver and executors, and this JVM (the
 * producer and the latency reads). Two readings a window apart give the cores each used in the window.
 */
final class ProcessCpu {
  private static final Pattern APP_ID = Pattern.compile("--app-id (\\S+)");
  private static final Pattern NAME = Pattern.compile("--name (\\S+)");
  /** The whole machine's busy cores, beside the processes'. */
  static final String MACHINE = "whole machine";
  /** USER_HZ: /proc/stat counts in these on every Linux architecture the JDK runs on. */
  private static final long CLOCK_TICKS_PER_SECOND = 100;

  private ProcessCpu() {}

  /** CPU time used so far, by role. */
  static Map<String, Duration> now(LocalServers servers, LocalCluster cluster, List<String> apps) {
    Map<String, String> appOfId = new HashMap<>();
    cluster.runningAppIds().forEach((name, id) -> appOfId.put(id, name));
    Map<Long, String> roleOfPid = new HashMap<>();
    for (ManagedServer server : servers.all()) {
      ProcessHandle.of(server.pid()).ifPresent(p -> {
        roleOfPid.put(p.pid(), server.name());
        p.descendants().forEach(child -> roleOfPid.put(child.pid(), server.name()));
      });
    }
    for (String app : apps) {
      cluster.driver(app).ifPresent(driver -> {
        roleOfPid.put(driver.pid(), "driver " + app);
        driver.descendants().forEach(child -> roleOfPid.put(child.pid(), "driver " + app));
      });
    }
    roleOfPid.put(ProcessHandle.current().pid(), "benchmark JVM (producer)");
    Map<String, Duration> used = new TreeMap<>();
    used.put(MACHINE, machineBusy());
    ProcessHandle.allProcesses().forEach(p -> {
      String role = roleOfPid.get(p.pid());
      if (role == null) {
        role = p.info().commandLine().flatMap(command -> roleOf(command, appOfId)).orElse(null);
      }
      Optional<Duration> cpu = p.info().totalCpuDuration();
      if (role != null && cpu.isPresent()) {
        used.merge(role, cpu.get(), Duration::plus);
      }
    });
    return used;
  }

  /**
   * The busy time of every core of the machine so far (/proc/stat: all but idle and iowait), so that what no
   * process above accounts for (the kernel's own threads, other users) shows too.
   */
  private static Duration machineBusy() {
    try {
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < cpu.length; i++) {
        busy += i == 4 || i == 5 ? 0 : Long.parseLong(cpu[i]);
      }
      return Duration.ofMillis(busy * 1000 / CLOCK_TICKS_PER_SECOND);
    } catch (IOException | RuntimeException notLinux) {
      return Duration.ZERO;
    }
  }

  /** Cores each role used between two readings {@code window} apart. */
  static Map<String, Double> cores(Map<String, Duration> before, Map<String, Duration> after, Duration window) {
    Map<String, Double> cores = new TreeMap<>();
    after.forEach((role, cpu) -> cores.put(role,
        (cpu.toMillis() - before.getOrDefault(role, Duration.ZERO).toMillis()) / (double) window.toMillis()));
    return cores;
  }

  private static Optional<String> roleOf(String command, Map<String, String> appOfId) {
    if (command.contains("CoarseGrainedExecutorBackend")) {
      Matcher id = APP_ID.matcher(command);
      return Optional.of("executor " + (id.find() ? appOfId.getOrDefault(id.group(1), id.group(1)) : "?"));
    }
    if (command.contains("org.apache.spark.deploy.master.Master")) {
      return Optional.of("spark master");
    }
    if (command.contains("org.apache.spark.deploy.worker.Worker")) {
      return Optional.of("spark workers");
    }
    Matcher name = NAME.matcher(command);
    return command.contains("org.apache.spark.deploy.SparkSubmit") && name.find()
        ? Optional.of("driver " + name.group(1)) : Optional.empty();
  }
}
