package io.cryptolake.jobs;

import static org.apache.spark.sql.functions.col;

import io.cryptolake.cli.Check;
import io.cryptolake.gaps.SequenceGaps;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.metrics.Progress;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code gaps}: missing trade-id ranges per (exchange, symbol) into control_sequence_gaps. */
@Command(name = "gaps", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Finds missing trade ids per (exchange, symbol) in gold over a window of trade time and records",
        "each gap once in control_sequence_gaps with its size and severity (1-10 LOW, 11-100 MEDIUM, 101-1000 HIGH,",
        "above 1000 CRITICAL). Running it again over the same window adds nothing."})
public final class GapsJob implements Callable<Integer> {
  @Option(names = "--from", description = "Trade time at or after this instant (ISO-8601). Default: all of gold.")
  Instant from;

  @Option(names = "--to", description = "Trade time before this instant (ISO-8601).")
  Instant to;

  @Mixin LakeOptions lake;

  @Override
  public Integer call() throws Exception {
    Check.ordered("--from", from, "--to", to, false);
    LakeConfig lakeConfig = lake.toExistingLake();
    return JobRunner.onSession("gaps", lakeConfig, spark -> run(spark, lakeConfig, System.out));
  }

  /** The check on a session that stays open (a soak runs it beside the streaming queries). */
  public int run(SparkSession spark, LakeConfig lakeConfig, PrintStream out) {
    new LakeCatalog(spark, lakeConfig).require(Tables.GOLD);
    SequenceGaps.Result result;
    try (Progress step = Progress.step("gaps: trade ids of gold, per exchange and symbol")) {
      result = SequenceGaps.detect(spark, lakeConfig, from, to);
    }
    out.printf("%d gaps found, %d new in %s; %d earlier gaps filled since the last check%n",
        result.found().size(), result.added(), lakeConfig.qualified(Tables.SEQUENCE_GAPS),
        result.filled());
    for (Row gap : result.found()) {
      out.printf("  %-8s %-10s %,d..%,d (%,d ids) %s%n", gap.getAs("exchange"), gap.getAs("symbol"),
          (Long) gap.getAs("gap_start"), (Long) gap.getAs("gap_end"), (Long) gap.getAs("gap_size"),
          gap.getAs("severity"));
    }
    Map<String, Long> open = new TreeMap<>();
    long filled = 0;
    for (Row row : spark.table(lakeConfig.qualified(Tables.SEQUENCE_GAPS))
        .groupBy(col("severity"), col("filled_at").isNull().as("open")).count().collectAsList()) {
      if (row.getBoolean(1)) {
        open.merge(row.getString(0), row.getLong(2), Long::sum);
      } else {
        filled += row.getLong(2);
      }
    }
    out.printf("recorded: %d open %s, %d filled%n", open.values().stream().mapToLong(Long::longValue).sum(),
        open, filled);
    return 0;
  }

  public static void main(String[] args) {
    JobRunner.main(new GapsJob(), args);
  }
}
