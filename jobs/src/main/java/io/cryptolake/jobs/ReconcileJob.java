package io.cryptolake.jobs;

import io.cryptolake.cli.Check;
import io.cryptolake.cli.ConfigError;
import io.cryptolake.cli.KafkaServers;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.jobs.options.StreamOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.metrics.Progress;
import io.cryptolake.reconcile.KafkaCheck;
import io.cryptolake.reconcile.ManifestCheck;
import io.cryptolake.reconcile.Reconciliation;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code reconcile}: checks every bronze offset is in exactly one of silver or the DLQ; exit 1 if not. */
@Command(name = "reconcile", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Checks the accounting invariant: every bronze row (topic, partition, offset) is in exactly one",
        "of its silver table or the DLQ, and no table has a row twice; every silver trade is in gold once; every",
        "bar equals gold's trades; and bronze has every offset Kafka holds, up to where it has read. Each job is",
        "checked on what it has read (its checkpoint): newer rows, and the bars of their minutes, are reported as",
        "behind, not as missing or different. Prints counts per table and per error_reason and the first",
        "offending rows; exits 1 on a violation."})
public final class ReconcileJob implements Callable<Integer> {
  @Option(names = "--exchanges", split = ",", defaultValue = Exchange.ALL_IDS,
      description = "Exchanges to check (default ${DEFAULT-VALUE}).")
  List<Exchange> exchanges;

  @Option(names = "--from", description = "Only bronze rows with a Kafka timestamp at or after this instant "
      + "(ISO-8601, e.g. 2026-11-21T00:00:00Z).")
  Instant from;

  @Option(names = "--to", description = "Only bronze rows with a Kafka timestamp before this instant.")
  Instant to;

  @Option(names = "--manifest", description = "Also compare with a synthetic producer's manifest (make produce "
      + "ARGS=\"--manifest F\"): bronze rows = sent, silver = valid, DLQ = faulty per exchange, DLQ rows per "
      + "error_reason = expected. Use on a lake that holds only that producer's data (or restrict with --from/--to).")
  Path manifest;

  @Option(names = "--kafka", negatable = true, defaultValue = "true",
      description = "Also compare each exchange's topic with its bronze table, offset by offset (default: yes; "
          + "--no-kafka skips it, as does a --from/--to window).")
  boolean kafka;

  @Mixin KafkaServers kafkaServers;

  @Option(names = "--topic", description = "An exchange's topic when bronze reads another than "
      + "market.crypto.trades.<exchange>, e.g. binance=my.topic.")
  Map<Exchange, String> topics = new EnumMap<>(Exchange.class);

  @Option(names = "--checkpoint-root", defaultValue = "${env:CRYPTOLAKE_CHECKPOINT_ROOT:-data/checkpoints}",
      description = "The streaming jobs' checkpoint root: each job is checked on what it has read; rows written "
          + "to its source since are reported as behind, not as missing (env CRYPTOLAKE_CHECKPOINT_ROOT; default "
          + "${DEFAULT-VALUE}).")
  String checkpointRoot;

  @Mixin LakeOptions lake;

  @Override
  public Integer call() throws Exception {
    Check.ordered("--from", from, "--to", to, false);
    if (manifest != null && !Files.isRegularFile(manifest)) {
      throw new ConfigError("--manifest: '" + manifest + "' is not a file; expected a producer's manifest "
          + "(make produce writes data/manifests/producer-latest.json)");
    }
    boolean withKafka = kafka && from == null && to == null;
    LakeConfig lakeConfig = lake.toExistingLake();
    if (withKafka) {
      kafkaServers.server().require(KafkaServers.OPTION + " (or --no-kafka)");
    }
    return JobRunner.onSession("reconcile", lakeConfig, spark -> run(spark, lakeConfig, System.out));
  }

  /** The checks on a session that stays open (a soak runs them beside the streaming queries); 0 when all pass. */
  public int run(SparkSession spark, LakeConfig lakeConfig, PrintStream out) {
    boolean withKafka = kafka && from == null && to == null;
    Reconciliation.Result result = Reconciliation.run(spark, lakeConfig, exchanges, from, to,
        StreamOptions.uri(checkpointRoot));
    result.print(out);
    boolean ok = result.ok();
    if (withKafka) {
      boolean kafkaOk = true;
      long recorded = 0;
      for (Exchange exchange : exchanges) {
        String topic = topics.getOrDefault(exchange, exchange.defaultTopic());
        KafkaCheck check;
        try (Progress step = Progress.step("reconcile: %s against Kafka's %s", Tables.bronzeName(exchange), topic)) {
          check = KafkaCheck.run(spark, lakeConfig, exchange, kafkaServers.bootstrapServers(), topic);
        }
        check.print(out);
        kafkaOk &= check.ok();
        recorded += check.recorded();
      }
      out.println(!kafkaOk ? "  kafka: FAIL, see the offending partitions above"
          : "  kafka: PASS, bronze has every offset Kafka held, up to where it has read" + (recorded == 0 ? ""
              : String.format(", except %,d offsets Kafka deleted first, on record in %s", recorded,
                  Tables.OFFSET_GAPS)));
      ok &= kafkaOk;
    } else {
      out.println("  kafka: not compared (" + (kafka ? "a --from/--to window" : "--no-kafka") + ")");
    }
    if (manifest != null) {
      ManifestCheck check = ManifestCheck.of(Manifest.read(manifest), result);
      check.print(out);
      ok &= check.ok();
    }
    return ok ? 0 : 1;
  }

  public static void main(String[] args) {
    JobRunner.main(new ReconcileJob(), args);
  }
}
