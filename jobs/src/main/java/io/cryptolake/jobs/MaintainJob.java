package io.cryptolake.jobs;

import io.cryptolake.cli.Check;
import io.cryptolake.jobs.options.LakeOptions;
import io.cryptolake.jobs.options.StreamOptions;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.TableDef;
import io.cryptolake.lake.Tables;
import io.cryptolake.maintain.MaintainOptions;
import io.cryptolake.maintain.SnapshotExpiry;
import io.cryptolake.maintain.TableMaintenance;
import io.cryptolake.schemas.Exchange;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code maintain} (batch): retention, DLQ archive, snapshot expiry, compaction, orphan files, per table. */
@Command(name = "maintain", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Per table of the lake: deletes rows past its retention (bronze 7 days, silver 30, DLQ 90, gold",
        "kept; by whole UTC days), optionally moves old DLQ rows to silver_dlq_trades_archive first, compacts small",
        "files, expires old snapshots and removes orphan files. Safe while the streaming jobs write, and never",
        "removes a snapshot or a row a streaming job (by its checkpoint) has not read yet: says what it held back."})
public final class MaintainJob implements Callable<Integer> {
  @Option(names = "--exchanges", split = ",", defaultValue = Exchange.ALL_IDS, description = "(default ${DEFAULT-VALUE})")
  List<Exchange> exchanges;

  @Option(names = "--tables", split = ",", paramLabel = "TABLE",
      description = "Maintain only these tables, e.g. bronze_binance_trades,gold_crypto_trades (default: every table "
          + "of the lake). The DLQ archive (--archive-dlq-after) moves with silver_dlq_trades.")
  List<String> tables = List.of();

  @Option(names = "--retention", description = "Override a table's retention in days, e.g. bronze_binance_trades=14.")
  Map<String, Integer> retention = new LinkedHashMap<>();

  @Option(names = "--archive-dlq-after", description = "Move DLQ rows older than this many days to the archive.")
  Integer archiveDlqAfterDays;

  @Option(names = "--expire-older-than",
      description = "Expire snapshots older than this (default: each table's history.expire.max-snapshot-age-ms, "
          + "1h as the lake creates them); what a streaming job has not read or last committed is kept anyway.")
  Duration expireOlderThan;

  @Option(names = "--retain-last", defaultValue = "" + SnapshotExpiry.RETAIN_LAST,
      description = "Snapshots always kept (default ${DEFAULT-VALUE}).")
  int retainLast;

  @Option(names = "--compact", negatable = true, defaultValue = "true",
      description = "Compact small files (default: yes; --no-compact skips it).")
  boolean compact;

  @Option(names = "--min-input-files", defaultValue = "5",
      description = "Compact a partition once it has this many small files (default ${DEFAULT-VALUE}).")
  int minInputFiles;

  @Option(names = "--orphans-older-than", defaultValue = "3d",
      description = "Only files this old can be orphans; younger ones may belong to a running commit (default ${DEFAULT-VALUE}).")
  Duration orphansOlderThan;

  @Option(names = "--checkpoint-root", defaultValue = "${env:CRYPTOLAKE_CHECKPOINT_ROOT:-data/checkpoints}",
      description = "The streaming jobs' checkpoint root: no snapshot or row a query there has not read yet is "
          + "expired or deleted (env CRYPTOLAKE_CHECKPOINT_ROOT; default ${DEFAULT-VALUE}).")
  String checkpointRoot;

  @Mixin LakeOptions lake;

  @Override
  public Integer call() throws Exception {
    List<String> tableNames = Tables.all(exchanges).stream().map(TableDef::name).toList();
    Check.known("--tables", tables, tableNames);
    retention.forEach((table, days) -> {
      Check.known("--retention", List.of(table), tableNames);
      Check.positive("--retention " + table, days);
    });
    if (archiveDlqAfterDays != null) {
      Check.positive("--archive-dlq-after", archiveDlqAfterDays);
    }
    if (expireOlderThan != null) {
      Check.positive("--expire-older-than", expireOlderThan);
    }
    Check.positive("--retain-last", retainLast);
    Check.positive("--min-input-files", minInputFiles);
    Check.positive("--orphans-older-than", orphansOlderThan);
    LakeConfig lakeConfig = lake.toExistingLake();
    return JobRunner.onSession("maintain", lakeConfig, spark -> run(spark, lakeConfig, System.out));
  }

  /** Maintenance on a session that stays open (a soak runs it beside the streaming queries). */
  public int run(SparkSession spark, LakeConfig lakeConfig, PrintStream out) {
    var reports = TableMaintenance.run(spark, lakeConfig, new MaintainOptions(exchanges, retention, archiveDlqAfterDays, expireOlderThan,
        retainLast, compact, minInputFiles, orphansOlderThan, StreamOptions.uri(checkpointRoot), tables));
    TableMaintenance.print(reports, out);
    return 0;
  }

  public static void main(String[] args) {
    JobRunner.main(new MaintainJob(), args);
  }
}
