package io.cryptolake.proof.chaos;

import io.cryptolake.localstack.LocalServers;
import io.cryptolake.localstack.LocalServersConfig;
import io.cryptolake.localstack.ManagedServer;
import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.producers.synthetic.SyntheticProducer;
import io.cryptolake.proof.LocalCluster;
import io.cryptolake.proof.Project;
import io.cryptolake.schemas.Manifest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault-injection run: the local servers (owned here, so each can be stopped and started on its own), the
 * Spark cluster and the five jobs (or the one application of them) through bin/cluster, the synthetic producer sending with faults, and the
 * plan's injections while it sends. Then it waits for every job to catch up, kills each application once more
 * (its new driver finds nothing to read), waits again and runs the reconciliation against the producer's
 * manifest, the same `reconcile` an operator runs.
 */
public final class ChaosRun {
  private static final Logger LOG = LoggerFactory.getLogger(ChaosRun.class);
  private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofMinutes(30);

  private final ChaosConfig config;
  private final LocalCluster cluster;
  private final List<String> jobs = Project.streamingJobs();
  private final List<String> apps;

  public ChaosRun(ChaosConfig config) {
    this.config = config;
    this.cluster = new LocalCluster(config.dir(), true);
    if (config.barsEvery() != null) {
      cluster.withEnv("CRYPTOLAKE_GOLD_BARS_EVERY", config.barsEvery().toSeconds() + "s");
    }
    this.apps = config.apps();
  }

  /** One injection as it happened: when, and how long until what it broke was back. */
  public record Injected(Injection injection, Instant startedAt, Duration recovery, String detail) {}

  public ChaosReport run() throws Exception {
    cluster.requirePortsFree();
    cluster.clean();
    LocalServersConfig serversConfig = cluster.serversConfig();
    try (LocalServers servers = LocalServers.start(serversConfig)) {
      try {
        return runOn(servers);
      } finally {
        cluster.run(Duration.ofMinutes(5), "bin/cluster", "down");
      }
    }
  }

  private ChaosReport runOn(LocalServers servers) throws Exception {
    cluster.up();
    apps.forEach(cluster::submit);
    await(apps + " RUNNING", Duration.ofMinutes(5), () -> cluster.runningApps().containsAll(apps));

    Path manifestPath = config.dir().resolve("manifest.json");
    SyntheticConfig produce = SyntheticConfig.defaults(cluster.kafkaBootstrap(), cluster.registryUrl())
        .withCount(config.trades() / 2).withRate(config.ratePerSecond())
        .withFaults(SyntheticConfig.spreadFaults(config.faultFraction())).withSeed(config.seed())
        .withManifest(manifestPath);
    List<Injection> plan = ChaosPlan.of(config, apps, servers.catalog().isPresent());
    Instant start = Instant.now();
    CompletableFuture<Manifest> producer = CompletableFuture.supplyAsync(() -> new SyntheticProducer(produce).run());
    LOG.info("sending {} trades at {}/s; {} injections planned", config.trades(), config.ratePerSecond(), plan.size());

    List<CompletableFuture<Injected>> injected = new ArrayList<>();
    for (Injection injection : plan) {
      sleepUntil(start.plus(injection.at()));
      injected.add(inject(injection, servers));
    }
    Manifest manifest = producer.get(config.sendWindow().toMillis() * 3 + Duration.ofMinutes(10).toMillis(),
        TimeUnit.MILLISECONDS);
    Instant sent = Instant.now();
    List<Injected> done = new ArrayList<>();
    for (CompletableFuture<Injected> future : injected) {
      done.add(future.get(RECOVERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }
    cluster.awaitCaughtUp(jobs, CATCH_UP_TIMEOUT);
    Duration catchUp = Duration.between(sent, Instant.now());
    // A restart with nothing to read: each application once more, now that every job has read everything.
    List<CompletableFuture<Injected>> idle = new ArrayList<>();
    for (String app : apps) {
      idle.add(inject(new Injection.KillJob(Duration.between(start, Instant.now()), app, true), servers));
    }
    for (CompletableFuture<Injected> future : idle) {
      done.add(future.get(RECOVERY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
    }
    cluster.awaitCaughtUp(jobs, CATCH_UP_TIMEOUT);
    Map<String, Double> readSince = new TreeMap<>();
    Map<String, String> since = new TreeMap<>();
    for (String job : jobs) {
      Map<String, Double> metrics = cluster.metrics(job);
      readSince.put(job, metrics.getOrDefault("records_in", Double.NaN));  // NaN, not 0: a job that did not say
      since.put(job, metrics.get("records_in") + " rows, " + metrics.get("idle_triggers") + " idle reports");
    }
    LOG.info("caught up again after the restarts with nothing to read; since, per job: {}", since);
    List<ChaosReport.Attempt> reconciles = reconcile(manifestPath);
    return new ChaosReport(config, start, manifest, done, catchUp, readSince, reconciles, cluster.runningApps(),
        SupervisedRestarts.read(cluster.jobLogs(apps)));
  }

  /** Starts an injection; a kill's recovery (the new driver RUNNING) is awaited in the background. */
  private CompletableFuture<Injected> inject(Injection injection, LocalServers servers) {
    Instant at = Instant.now();
    LOG.info("injecting: {}", injection.describe());
    if (injection instanceof Injection.KillJob kill) {
      String oldApp = cluster.runningAppIds().get(kill.job());
      String pid = cluster.driver(kill.job()).map(p -> {
        p.destroyForcibly();
        p.onExit().join();
        return String.valueOf(p.pid());
      }).orElse("none (already down)");
      // In cluster mode the driver's worker restarts it (--supervise); in client mode the operator does.
      if (cluster.deployMode() == LocalCluster.DeployMode.CLIENT) {
        cluster.submit(kill.job());
      }
      return CompletableFuture.supplyAsync(() -> {
        await(kill.job() + " RUNNING again", RECOVERY_TIMEOUT, () -> {
          String app = cluster.runningAppIds().get(kill.job());
          return app != null && !app.equals(oldApp);
        });
        return new Injected(injection, at, Duration.between(at, Instant.now()),
            "driver pid " + pid + " killed; new application " + cluster.runningAppIds().get(kill.job()));
      });
    }
    Injection.ServerDown down = (Injection.ServerDown) injection;
    ManagedServer server = server(servers, down.server());
    server.stop();
    sleepUntil(at.plus(down.length()));
    Instant restarting = Instant.now();
    server.start();
    return CompletableFuture.completedFuture(new Injected(injection, at, Duration.between(at, Instant.now()),
        down.server() + " down " + Duration.between(at, restarting).toSeconds() + " s, ready "
            + Duration.between(restarting, Instant.now()).toMillis() + " ms after its start"));
  }

  private static ManagedServer server(LocalServers servers, String name) {
    return switch (name) {
      case "s3" -> servers.s3();
      case "kafka" -> servers.kafka();
      case "registry" -> servers.registry();
      case "catalog" -> servers.catalog().orElseThrow(() -> new IllegalStateException("no catalog server runs"));
      default -> throw new IllegalArgumentException("no server " + name);
    };
  }

  /** reconcile --manifest, as an operator runs it; once more after a minute if rows were still on their way. */
  private List<ChaosReport.Attempt> reconcile(Path manifest) {
    List<ChaosReport.Attempt> attempts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      var result = cluster.run(Duration.ofMinutes(15), "bin/cluster", "batch", "reconcile", "--manifest",
          manifest.toString());
      attempts.add(new ChaosReport.Attempt(Instant.now(), result.exit(), result.output()));
      if (result.exit() == 0) {
        break;
      }
      sleepUntil(Instant.now().plusSeconds(60));
    }
    return attempts;
  }

  private static void await(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": not within " + timeout);
      }
      sleepUntil(Instant.now().plusSeconds(1));
    }
  }

  private static void sleepUntil(Instant when) {
    LocalCluster.pause(Duration.between(Instant.now(), when));
  }
}
