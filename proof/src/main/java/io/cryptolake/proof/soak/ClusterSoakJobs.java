package io.cryptolake.proof.soak;

import io.cryptolake.localstack.LocalServers;
import io.cryptolake.proof.LocalCluster;
import io.cryptolake.proof.Project;
import io.cryptolake.proof.chaos.SupervisedRestarts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The five jobs as five applications on the local Spark cluster, the commands through bin/cluster: `make soak`. */
final class ClusterSoakJobs implements SoakJobs {
  private final LocalCluster cluster;
  private final List<String> jobs = Project.streamingJobs();
  private LocalServers servers;

  ClusterSoakJobs(Path dir) {
    this.cluster = new LocalCluster(dir, true);
  }

  @Override
  public void startServers() {
    cluster.requirePortsFree();
    cluster.clean();
    servers = LocalServers.start(cluster.serversConfig());
    cluster.up();
  }

  @Override
  public void startJobs(Duration watermark, Duration gapsEvery, Duration gapsLookback) {
    jobs.forEach(job -> cluster.submit(job, job.equals("gold")
        ? new String[] {"--gaps-every", gapsEvery.toSeconds() + "s", "--gaps-lookback", gapsLookback.toDays() + "d",
            "--watermark", watermark.toSeconds() + "s"} : new String[0]));
    long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
    while (!running().containsAll(jobs)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not RUNNING within 5 minutes: " + jobs + "; see " + cluster.stateDir());
      }
      LocalCluster.pause(Duration.ofSeconds(1));
    }
  }

  @Override
  public String kafkaBootstrap() {
    return cluster.kafkaBootstrap();
  }

  @Override
  public String registryUrl() {
    return cluster.registryUrl();
  }

  @Override
  public void stop(String job) {
    cluster.runOrFail(Duration.ofMinutes(2), "bin/cluster", "stop", job);
  }

  @Override
  public void resume(String job) {
    cluster.submit(job);
  }

  @Override
  public Set<String> running() {
    return cluster.runningApps();
  }

  @Override
  public Map<String, Double> goldState() {
    return cluster.metrics("gold");
  }

  @Override
  public Map<String, Double> heapUsed() {
    Map<String, Double> heap = new LinkedHashMap<>();
    jobs.forEach(job -> cluster.heapUsed(job).ifPresent(bytes -> heap.put(job, bytes)));
    return heap;
  }

  @Override
  public void awaitCaughtUp(Duration timeout) {
    cluster.awaitCaughtUp(jobs, timeout);
  }

  @Override
  public Project.Result command(String name) {
    Duration timeout = name.equals("reconcile") ? Duration.ofMinutes(15) : Duration.ofMinutes(10);
    return cluster.run(timeout, "bin/cluster", "batch", name);
  }

  @Override
  public Optional<List<SupervisedRestarts.Restart>> restarts() {
    return Optional.of(SupervisedRestarts.read(cluster.jobLogs(jobs)));
  }

  @Override
  public void close() {
    try {
      cluster.run(Duration.ofMinutes(5), "bin/cluster", "down");
    } finally {
      if (servers != null) {
        servers.close();
      }
    }
  }
}
