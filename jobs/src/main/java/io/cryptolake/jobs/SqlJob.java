package io.cryptolake.jobs;

import io.cryptolake.cli.Check;
import io.cryptolake.cli.ConfigError;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.SqlConsole;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sql}: Spark SQL on the lake, interactive or with -e / -f. */
@Command(name = "sql", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Spark SQL on the lake's catalog, its namespace current: SELECT * FROM gold_crypto_trades works, and",
        "so do Iceberg's metadata tables (gold_crypto_trades.snapshots, .files, .history) and procedures",
        "(CALL iceberg.system.rewrite_data_files(...)). Statements end with ';'. Without -e or -f it reads",
        "statements from the terminal (or from standard input when piped) until end of input (Ctrl-D)."})
public final class SqlJob implements Callable<Integer> {
  @Option(names = {"-e", "--execute"}, description = "Run these statements and exit: 1 if one fails.")
  String execute;

  @Option(names = {"-f", "--file"}, description = "Run the statements of this file and exit: 1 if one fails.")
  Path file;

  @Option(names = "--max-rows", defaultValue = "100", description = "Rows printed per result (default ${DEFAULT-VALUE}).")
  int maxRows;

  @Mixin LakeOptions lake;

  @Override
  public Integer call() throws Exception {
    Check.positive("--max-rows", maxRows);
    if (file != null && !Files.isRegularFile(file)) {
      throw new ConfigError("--file: '" + file + "' is not a file; expected a file of SQL statements");
    }
    LakeConfig lakeConfig = lake.toExistingLake();
    return JobRunner.onSession("sql", lakeConfig, spark -> {
      spark.sparkContext().setLogLevel("ERROR");
      SqlConsole console = new SqlConsole(spark, lakeConfig, maxRows, System.out);
      boolean ok;
      if (execute != null) {
        ok = console.runAll(execute, System.err);
      } else if (file != null) {
        ok = console.runAll(Files.readString(file), System.err);
      } else {
        ok = console.interactive(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
            System.console() != null, System.err);
      }
      return ok ? 0 : 1;
    });
  }

  public static void main(String[] args) {
    JobRunner.main(new SqlJob(), args);
  }
}
