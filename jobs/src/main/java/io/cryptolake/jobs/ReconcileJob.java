package io.cryptolake.jobs;

import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.reconcile.ManifestCheck;
import io.cryptolake.reconcile.Reconciliation;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code reconcile}: checks every bronze offset is in exactly one of silver or the DLQ; exit 1 if not. */
@Command(name = "reconcile", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Checks the accounting invariant: every bronze row (topic, partition, offset) is in exactly one",
        "of its silver table or the DLQ, and no table has a row twice. Prints counts per table and per",
        "error_reason and the first offending offsets; exits 1 on a violation. Run it on a caught-up pipeline,",
        "or with --to before the newest data, since rows silver has not processed yet count as missing."})
public final class ReconcileJob implements Callable<Integer> {
  @Option(names = "--exchanges", split = ",", defaultValue = "binance,kraken",
      description = "Exchanges to check (default ${DEFAULT-VALUE}).")
  List<String> exchanges;

  @Option(names = "--from", description = "Only bronze rows with a Kafka timestamp at or after this instant "
      + "(ISO-8601, e.g. 2026-11-21T00:00:00Z).")
  Instant from;

  @Option(names = "--to", description = "Only bronze rows with a Kafka timestamp before this instant.")
  Instant to;

  @Option(names = "--manifest", description = "Also compare with a synthetic producer's manifest (make produce "
      + "ARGS=\"--manifest F\"): bronze rows = sent, silver = valid, DLQ = faulty per exchange, DLQ rows per "
      + "error_reason = expected. Use on a lake that holds only that producer's data (or restrict with --from/--to).")
  Path manifest;

  @Mixin LakeOptions lake;

  @Override
  public Integer call() {
    LakeConfig lakeConfig = lake.toConfig();
    SparkSession spark = LakeSession.forJob("reconcile", lakeConfig);
    Reconciliation.Result result = Reconciliation.run(spark, lakeConfig,
        exchanges.stream().map(Exchange::fromId).toList(), from, to);
    result.print(System.out);
    boolean ok = result.ok();
    if (manifest != null) {
      ManifestCheck check = ManifestCheck.of(Manifest.read(manifest), result);
      check.print(System.out);
      ok &= check.ok();
    }
    spark.stop();
    return ok ? 0 : 1;
  }

  public static void main(String[] args) {
    JobRunner.exit(new ReconcileJob(), args);
  }
}
