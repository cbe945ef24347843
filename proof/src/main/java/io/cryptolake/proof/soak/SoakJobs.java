package io.cryptolake.proof.soak;

import io.cryptolake.proof.Project;
import io.cryptolake.proof.chaos.SupervisedRestarts;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where a soak runs the five streaming jobs and the operator's commands: on the local Spark cluster, five
 * applications ({@link ClusterSoakJobs}, `make soak`), or as the same queries in one local Spark session
 * ({@link SessionSoakJobs}, `make test-soak`). The scenario and its checks ({@link SoakRun}) are the same.
 */
interface SoakJobs extends AutoCloseable {
  /** Starts the local servers (and the cluster, where there is one). */
  void startServers();

  /** Starts every job, once its topics exist; gold checks gaps every {@code gapsEvery} over {@code gapsLookback}. */
  void startJobs(Duration watermark, Duration gapsEvery, Duration gapsLookback);

  String kafkaBootstrap();

  String registryUrl();

  /** Stops one job after its current batch. */
  void stop(String job);

  /** Starts one job again from its checkpoint. */
  void resume(String job);

  /** The jobs running now. */
  Set<String> running();

  /** Gold's state: {@code state_rows} and {@code state_memory_bytes}. */
  Map<String, Double> goldState();

  /** Heap in use per JVM, by job (one entry for a session all jobs share). */
  Map<String, Double> heapUsed();

  /** Returns once every job has read all its sources hold; throws after {@code timeout}. */
  void awaitCaughtUp(Duration timeout);

  /** An operator's command ({@code maintain}, {@code gaps}, {@code reconcile}) as it would run beside the jobs. */
  Project.Result command(String name);

  /** Query restarts the jobs' supervisors logged; empty where queries run without a supervisor. */
  Optional<List<SupervisedRestarts.Restart>> restarts();

  @Override
  void close();
}
