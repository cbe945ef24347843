package io.cryptolake.proof.soak;

import io.cryptolake.cli.Cli;
import io.cryptolake.proof.Project;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code make soak}: weeks of simulated trade time through the five jobs on the local cluster. */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Runs the local servers, the Spark cluster and the five jobs, and sends simulated days of trades",
        "one after another (duplicates, held-back blocks that fill their gaps a day later, poison records, a",
        "silent symbol for a CRITICAL gap), with maintain every few days and silver-kraken stopped for a while.",
        "Records gold's state and each driver's heap per day; then reconcile, gaps, restarts. Writes a Markdown",
        "report; exits 1 unless every check holds."})
public final class SoakCli implements Callable<Integer> {
  @Option(names = "--quick", description = "The short soak: four days of 100 trades per symbol, one every 8 s, a "
      + "one-minute watermark, maintain from the second day (about 10 minutes); the other options are ignored.")
  boolean quick;

  @Option(names = "--days", defaultValue = "45", description = "Simulated days (${DEFAULT-VALUE}).")
  int days;

  @Option(names = "--trades-per-symbol", defaultValue = "1000",
      description = "Trades per symbol per simulated day, four symbols (${DEFAULT-VALUE}).")
  int tradesPerSymbol;

  @Option(names = "--day-seconds", defaultValue = "20", description = "Real seconds per simulated day (${DEFAULT-VALUE}).")
  long daySeconds;

  @Option(names = "--maintain-every", defaultValue = "5", description = "Run maintain every this many days (${DEFAULT-VALUE}).")
  int maintainEvery;

  @Option(names = "--watermark-seconds", defaultValue = "300", description = "Gold's watermark (${DEFAULT-VALUE}).")
  long watermarkSeconds;

  @Option(names = "--seed", defaultValue = "2026", description = "Seed of the duplicates (${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--in-session", description = "The five jobs' queries in one local Spark session of this JVM "
      + "instead of five applications on the local cluster, as make test-soak does (no per-job heap, no "
      + "supervised restarts).")
  boolean inSession;

  @Option(names = "--dir", defaultValue = "data/soak", description = "The run's cluster, data and report (${DEFAULT-VALUE}); emptied first.")
  Path dir;

  @Override
  public Integer call() throws Exception {
    if (days < 4) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--days: " + days + " is too few; at least 4");
    }
    SoakConfig config = quick ? SoakConfig.quick(dir.toAbsolutePath()) : SoakConfig.of(days, tradesPerSymbol,
        Duration.ofSeconds(daySeconds), maintainEvery, Duration.ofSeconds(watermarkSeconds), seed, dir.toAbsolutePath());
    SoakReport report = (inSession ? SoakRun.inSession(config) : SoakRun.onCluster(config)).run();
    Project.writeReport(dir, report.markdown());
    return report.ok() ? 0 : 1;
  }

  public static void main(String[] args) {
    Cli.exit(new SoakCli(), args);
  }
}
