package io.cryptolake.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.proof.LocalCluster;
import io.cryptolake.proof.Project;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Proof that drivers in cluster deploy mode need nothing of the host they were submitted from, on a cluster
 * whose workers all share that host: each driver runs in its worker's directory, the workers fetched the jobs
 * jar by URL, and no driver or executor names or holds open a file of the checkout other than the Spark
 * runtime a worker runs (on a real worker, its own Spark installation) and the worker's own directory.
 */
final class SubmittingHost {
  private static final Pattern JAR_FETCH = Pattern.compile("DriverRunner: Copying user jar (\\S+) to ");

  private SubmittingHost() {}

  static void assertNotUsedBy(LocalCluster cluster, List<String> jobs) throws IOException {
    List<Path> workers = cluster.workerDirs();
    assertEquals(2, workers.size(), "two workers, each in a directory of its own: " + workers);
    for (String job : jobs) {
      String driverId = cluster.driverId(job).orElseThrow(() -> new AssertionError(job + " has no driver id"));
      ProcessHandle driver = cluster.driver(job).orElseThrow(() -> new AssertionError(job + ": no driver process"));
      Path cwd = Files.readSymbolicLink(Path.of("/proc", String.valueOf(driver.pid()), "cwd"));
      assertTrue(workers.stream().anyMatch(w -> cwd.equals(w.resolve(driverId))),
          job + "'s driver runs in " + cwd + ", not in its directory on a worker");
    }
    List<String> fetched = new ArrayList<>();
    for (int i = 1; i <= workers.size(); i++) {
      Matcher m = JAR_FETCH.matcher(Files.readString(cluster.stateDir().resolve("spark-worker-" + i + ".log")));
      while (m.find()) {
        fetched.add(m.group(1));
      }
    }
    assertEquals(jobs.size(), fetched.size(), "one jar fetch per driver: " + fetched);
    assertTrue(fetched.stream().allMatch(url -> url.startsWith("http://")), "the jobs jar by URL: " + fetched);

    Path checkout = Project.root();
    List<Path> allowed = new ArrayList<>(workers);
    allowed.add(Project.file("servers/target/dist/spark"));
    List<String> offending = new ArrayList<>();
    for (ProcessHandle process : onWorkers(cluster)) {
      String pid = String.valueOf(process.pid());
      List<String> used = new ArrayList<>(List.of(Files.readString(Path.of("/proc", pid, "cmdline"),
          StandardCharsets.UTF_8).split("[\\x00:= ]")));
      used.addAll(openFiles(pid));
      for (String path : used) {
        if (path.startsWith(checkout + "/") && allowed.stream().noneMatch(a -> path.startsWith(a + "/"))) {
          offending.add(pid + " " + path);
        }
      }
    }
    assertEquals(List.of(), offending, "files of the submitting host used by a driver or an executor");
  }

  /** The drivers and executors the workers started. */
  private static List<ProcessHandle> onWorkers(LocalCluster cluster) throws IOException {
    List<ProcessHandle> processes = new ArrayList<>();
    for (int i = 1; i <= 2; i++) {
      long pid = Long.parseLong(Files.readString(cluster.stateDir().resolve("spark-worker-" + i + ".pid")).trim());
      ProcessHandle.of(pid).ifPresent(worker -> worker.descendants().forEach(processes::add));
    }
    assertTrue(processes.size() >= 10, "five drivers and their executors: " + processes.size());
    return processes;
  }

  private static List<String> openFiles(String pid) {
    List<String> files = new ArrayList<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc", pid, "fd"))) {
      fds.forEach(fd -> {
        try {
          files.add(Files.readSymbolicLink(fd).toString());
        } catch (IOException e) {
          // closed since the listing
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }
}
