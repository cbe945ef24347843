package io.cryptolake.proof.chaos;

import io.cryptolake.cli.Cli;
import io.cryptolake.proof.Project;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code make chaos}: the fault-injection run on a local cluster of its own; exit 1 when anything is off. */
@Command(name = "chaos", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the local servers, a Spark cluster and the five jobs on the ports of config/local.env,",
        "sends synthetic trades with faults, and meanwhile kills random jobs (kill -9, then their script again;",
        "in cluster mode, CRYPTOLAKE_DEPLOY_MODE=cluster, their worker restarts them),",
        "stops the S3 server, restarts Kafka and stops the registry. Then waits for the jobs to catch up and runs",
        "reconcile against the producer's manifest. Writes a Markdown report; exits 1 unless everything holds."})
public final class ChaosCli implements Callable<Integer> {
  @Option(names = "--trades", defaultValue = "1000000", description = "Trades to send, both exchanges together (${DEFAULT-VALUE}).")
  long trades;

  @Option(names = "--rate", defaultValue = "2000", description = "Trades per second (${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--faults", defaultValue = "0.05", description = "Share of faulty records, every kind (${DEFAULT-VALUE}).")
  double faults;

  @Option(names = "--kills", defaultValue = "20", description = "kill -9s of a random job (${DEFAULT-VALUE}).")
  int kills;

  @Option(names = "--outage", defaultValue = "60", description = "Seconds the S3 server and the registry stay down (${DEFAULT-VALUE}).")
  long outageSeconds;

  @Option(names = "--seed", defaultValue = "2026", description = "Seed of the data and of the plan (${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--one-application", description = "Run the five jobs as one application (spark-submit/pipeline.sh).")
  boolean oneApplication;

  @Option(names = "--dir", defaultValue = "data/chaos", description = "The run's cluster, data and report (${DEFAULT-VALUE}); emptied first.")
  Path dir;

  @Override
  public Integer call() throws Exception {
    ChaosConfig config = new ChaosConfig(trades, rate, faults, kills, Duration.ofSeconds(outageSeconds), seed,
        dir.toAbsolutePath(), oneApplication, null);
    ChaosReport report = new ChaosRun(config).run();
    Project.writeReport(dir, report.markdown());
    return report.ok() ? 0 : 1;
  }

  public static void main(String[] args) {
    Cli.exit(new ChaosCli(), args);
  }
}
