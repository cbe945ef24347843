package io.cryptolake.producers.synthetic;

import io.cryptolake.cli.Check;
import io.cryptolake.cli.Cli;
import io.cryptolake.producers.KafkaOptions;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code produce}: the synthetic producer's command line. Every option also reads an environment variable. */
@Command(name = "produce", mixinStandardHelpOptions = true, sortOptions = false,
    description = {
        "Writes realistic raw trades of Binance and Kraken to Kafka in the Schema Registry wire format,",
        "with injected faults, duplicates and out-of-order trades, and writes a JSON manifest counting",
        "what Kafka acknowledged per exchange and kind (and the DLQ reasons silver must produce)."})
public final class SyntheticProducerCli implements Callable<Integer> {
  @CommandLine.Mixin KafkaOptions kafka;

  @Option(names = "--exchanges", split = ",", defaultValue = Exchange.ALL_IDS,
      description = "Exchanges to produce for (default ${DEFAULT-VALUE}).")
  List<Exchange> exchanges;

  @Option(names = "--topic", description = "Topic per exchange, e.g. binance=my.topic (default "
      + "market.crypto.trades.<exchange>).")
  Map<Exchange, String> topics = new EnumMap<>(Exchange.class);

  @Option(names = "--symbols", description = "Symbols per exchange, e.g. kraken=BTC/USD,ETH/USD "
      + "(default: a realistic set per exchange).")
  Map<Exchange, String> symbols = new EnumMap<>(Exchange.class);

  @Option(names = "--count", defaultValue = "10000", description = "Records per exchange (default ${DEFAULT-VALUE}).")
  long count;

  @Option(names = "--duration", description = "Send for this long instead of --count, e.g. PT10M or 90s.")
  Duration duration;

  @Option(names = "--rate", defaultValue = "0",
      description = "Records per second over all exchanges; 0 sends as fast as Kafka takes them (default ${DEFAULT-VALUE}).")
  double rate;

  @Option(names = "--partitions", defaultValue = "3", description = "Partitions of a topic it creates (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--fault-rate", defaultValue = "0.02",
      description = "Share of records with a fault, spread evenly over the fault kinds (default ${DEFAULT-VALUE}).")
  double faultRate;

  @Option(names = "--fault", description = "Share of one fault kind, overriding --fault-rate for it, e.g. "
      + "NEGATIVE_PRICE=0.01. Kinds: ${COMPLETION-CANDIDATES}.")
  Map<FaultKind, Double> faults = new EnumMap<>(FaultKind.class);

  @Option(names = "--duplicate-rate", defaultValue = "0.01",
      description = "Share of exact re-sends of an earlier valid record (default ${DEFAULT-VALUE}).")
  double duplicateRate;

  @Option(names = "--out-of-order-rate", defaultValue = "0.01",
      description = "Share of valid trades sent after later trades of the same exchange (default ${DEFAULT-VALUE}).")
  double outOfOrderRate;

  @Option(names = "--spread-over",
      description = "Spread trade times evenly over this much time before now, as a backfill would (e.g. 30m); "
          + "default: each trade a few milliseconds before it is sent.")
  Duration spreadOver;

  @Option(names = "--seed", description = "Random seed, for a repeatable sequence (default: from the clock).")
  Long seed;

  @Option(names = "--manifest", defaultValue = "${env:CRYPTOLAKE_MANIFEST:-data/manifests/producer-latest.json}",
      description = "Where to write the manifest (default ${DEFAULT-VALUE}).")
  Path manifest;

  @Override
  public Integer call() {
    if (duration == null) {
      Check.positive("--count", count);
    } else {
      Check.positive("--duration", duration);
    }
    Check.notNegative("--rate", rate);
    Check.positive("--partitions", partitions);
    Check.fraction("--fault-rate", faultRate);
    faults.forEach((kind, share) -> Check.fraction("--fault " + kind, share));
    Check.fraction("--duplicate-rate", duplicateRate);
    Check.fraction("--out-of-order-rate", outOfOrderRate);
    Check.positive("--spread-over", spreadOver);
    Check.writableDirectory("--manifest", manifest.toAbsolutePath().getParent().toString());
    kafka.requireServers();
    Map<FaultKind, Double> fractions = SyntheticConfig.spreadFaults(faultRate);
    fractions.putAll(faults);
    Map<Exchange, List<String>> symbolMap = new EnumMap<>(Exchange.class);
    symbols.forEach((e, list) -> symbolMap.put(e, Arrays.asList(list.split(","))));
    SyntheticConfig config = new SyntheticConfig(kafka.bootstrapServers(), kafka.registryUrl(), exchanges, topics, symbolMap, count, duration, rate,
        partitions, fractions, duplicateRate, outOfOrderRate, seed == null ? Instant.now().toEpochMilli() : seed,
        manifest, spreadOver);
    Manifest result = new SyntheticProducer(config).run();
    result.exchanges().forEach((exchange, c) -> System.out.printf(
        "%-8s %-32s sent %,d: valid %,d (duplicates %,d, out of order %,d), faulty %,d%n",
        exchange, c.topic(), c.sent(), c.valid(), c.duplicates(), c.outOfOrder(), c.expectedDlqTotal()));
    System.out.println("manifest: " + manifest.toAbsolutePath());
    return 0;
  }

  public static void main(String[] args) {
    Cli.exit(new SyntheticProducerCli(), args);
  }
}
