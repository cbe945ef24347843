package io.cryptolake.jobs;

import io.cryptolake.cli.Check;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.TableDef;
import io.cryptolake.lake.TableHistory;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code history}: each table's snapshots, what wrote them, and its size. */
@Command(name = "history", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"For each table (default: every table of the lake): its rows, data files and bytes now, and its",
        "last snapshots: when, which operation, which job and batch wrote it, rows added and deleted, rows and",
        "bytes after it."})
public final class HistoryJob implements Callable<Integer> {
  @Parameters(arity = "0..*", paramLabel = "TABLE", description = "Tables by name, e.g. gold_crypto_trades.")
  List<String> tables = new ArrayList<>();

  @Option(names = "--last", defaultValue = "20", description = "Snapshots shown per table (default ${DEFAULT-VALUE}).")
  int last;

  @Mixin LakeOptions lake;

  @Override
  public Integer call() throws Exception {
    Check.positive("--last", last);
    List<String> known = Tables.all(List.of(Exchange.values())).stream().map(TableDef::name).toList();
    Check.known("TABLE", tables, known);
    LakeConfig lakeConfig = lake.toExistingLake();
    return JobRunner.onSession("history", lakeConfig, spark -> {
      LakeCatalog catalog = new LakeCatalog(spark, lakeConfig);
      List<String> shown = tables.isEmpty() ? known.stream().filter(catalog::exists).toList() : tables;
      if (shown.isEmpty()) {
        throw catalog.missing("no table of the lake exists");
      }
      for (String table : shown) {
        TableHistory.print(lakeConfig.qualified(table), catalog.require(table), last, System.out);
        System.out.println();
      }
      return 0;
    });
  }

  public static void main(String[] args) {
    JobRunner.main(new HistoryJob(), args);
  }
}
