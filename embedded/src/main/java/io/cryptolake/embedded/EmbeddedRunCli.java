package io.cryptolake.embedded;

import io.cryptolake.cli.Check;
import io.cryptolake.cli.Cli;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code make run}: the embedded pipeline from the command line. */
@Command(name = "run-embedded", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Runs the whole pipeline on local servers it starts itself, prints a summary, stops everything.")
public final class EmbeddedRunCli implements Callable<Integer> {
  @Option(names = "--count", defaultValue = "${env:CRYPTOLAKE_RUN_COUNT:-5000}",
      description = "Trades per exchange (default ${DEFAULT-VALUE}).")
  long count;

  @Option(names = "--fault-rate", defaultValue = "0.03", description = "Share of faulty records (default ${DEFAULT-VALUE}).")
  double faultRate;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--data-dir", defaultValue = "${env:CRYPTOLAKE_RUN_DIR:-data/embedded}",
      description = "Cleared, then holds the servers' data, the catalog and the manifest (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    Check.positive("--count", count);
    Check.fraction("--fault-rate", faultRate);
    Check.writableDirectory("--data-dir", dataDir.toString());
    RunReport report = new EmbeddedPipeline(new EmbeddedOptions(count, faultRate, seed, dataDir), System.out).run();
    return report.ok() ? 0 : 1;
  }

  public static void main(String[] args) {
    Cli.exit(new EmbeddedRunCli(), args);
  }
}
