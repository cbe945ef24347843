package io.cryptolake.proof.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * When each fault lands: the kills at random moments over the send window (from 5% to 95% of it), each on a
 * random job; the S3 outage, the catalog server's outage (when the local servers run one), the Kafka restart
 * and the registry outage at a quarter, three eighths, half and three quarters. Seeded, so a run can be repeated.
 */
public final class ChaosPlan {
  private ChaosPlan() {}

  public static List<Injection> of(ChaosConfig config, List<String> jobs, boolean catalogServer) {
    Random random = new Random(config.seed());
    long window = config.sendWindow().toMillis();
    List<Injection> plan = new ArrayList<>();
    for (int i = 0; i < config.kills(); i++) {
      long at = (long) (window * (0.05 + 0.9 * random.nextDouble()));
      plan.add(new Injection.KillJob(Duration.ofMillis(at), jobs.get(random.nextInt(jobs.size()))));
    }
    plan.add(new Injection.ServerDown(Duration.ofMillis(window / 4), "s3", config.outage()));
    if (catalogServer) {
      plan.add(new Injection.ServerDown(Duration.ofMillis(window * 3 / 8), "catalog", config.outage()));
    }
    plan.add(new Injection.ServerDown(Duration.ofMillis(window / 2), "kafka", Duration.ZERO));
    plan.add(new Injection.ServerDown(Duration.ofMillis(window * 3 / 4), "registry", config.outage()));
    plan.sort(Comparator.comparing(Injection::at));
    return List.copyOf(plan);
  }
}
