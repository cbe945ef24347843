package io.cryptolake.reconcile;

import static org.apache.spark.sql.functions.col;

import io.cryptolake.gold.BarCheck;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSql;
import io.cryptolake.lake.LineageKey;
import io.cryptolake.lake.Tables;
import io.cryptolake.metrics.Progress;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamingReaders;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The accounting invariant of spec section 5: every bronze row (topic, partition, offset) is in exactly one
 * of its silver table or the DLQ (or the DLQ's archive), never both, never neither, and none is in any table
 * twice. A DLQ row that a replay resolved and its silver row are one record. Optionally restricted to bronze
 * rows whose Kafka timestamp is in [from, to). Each table is compared within what it retains: every bronze
 * row (maintenance deletes no silver row while its bronze row may exist), and gold only from the first day
 * silver still keeps. With the streaming jobs' checkpoint root, each job is checked only on what it has read:
 * rows written to its source since its last committed batch are counted as behind, not as missing, and the bars
 * of minutes with gold rows the bars query has not read are not checked.
 */
public final class Reconciliation {
  static final int OFFENDERS_SHOWN = 20;

  private Reconciliation() {}

  /**
   * Source rows a job has not read yet (written at or after {@code since}, its last committed batch's end):
   * not checked this time. None when the job has read everything, or no checkpoint root was given.
   */
  public record Behind(String query, long rows, Instant since) {
    static final Behind NONE = new Behind(null, 0, null);

    String line(String what) {
      return rows == 0 ? null : String.format("%s has not read %,d %s yet%s: behind, not checked this time", query,
          rows, what, since == null ? "" : " (written since " + since + ")");
    }
  }

  /** One exchange's counts, and up to 20 offending offsets. */
  public record ExchangeResult(Exchange exchange, long bronze, long bronzeDuplicates, long silver, long dlq,
      long missing, long inBoth, long silverDuplicates, long dlqDuplicates, List<String> offenders, Behind behind) {
    public boolean ok() {
      return bronzeDuplicates == 0 && missing == 0 && inBoth == 0 && silverDuplicates == 0 && dlqDuplicates == 0;
    }
  }

  /**
   * Gold against silver: every distinct silver key (exchange, symbol, trade_id) is in gold once, and gold has
   * no key silver lacks. {@code lateRows}: rows that arrived after gold's watermark and were written through
   * (from gold's commits; late rows whose key gold already had are duplicates and add nothing).
   */
  public record GoldResult(long silverKeys, long goldRows, long missing, long extra, long duplicateKeys,
      long lateRows, List<String> offenders, LocalDate comparedFrom, Behind behind) {
    public boolean ok() {
      return missing == 0 && extra == 0 && duplicateKeys == 0;
    }
  }

  /** The verdict over every exchange, with DLQ rows by reason, and gold's and the bars' checks when gold exists. */
  public record Result(List<ExchangeResult> exchanges, Map<String, Long> dlqByReason, GoldResult gold,
      BarCheck.Result bars) {
    public boolean ok() {
      return exchanges.stream().allMatch(ExchangeResult::ok) && (gold == null || gold.ok())
          && (bars == null || bars.ok());
    }

    private static void printIfAny(PrintStream out, String line) {
      if (line != null) {
        out.println("    " + line);
      }
    }

    public ExchangeResult of(Exchange exchange) {
      return exchanges.stream().filter(e -> e.exchange() == exchange).findFirst().orElseThrow();
    }

    public void print(PrintStream out) {
      print(out, true);
    }

    /** The counts per exchange, the offending offsets, the verdict, and optionally the DLQ by reason. */
    public void print(PrintStream out, boolean withReasons) {
      out.printf("  %-8s %10s %10s %10s %8s %8s %10s%n", "exchange", "bronze", "silver", "dlq", "missing",
          "in both", "duplicates");
      for (ExchangeResult e : exchanges) {
        out.printf("  %-8s %,10d %,10d %,10d %,8d %,8d %,10d%n", e.exchange().id(), e.bronze(), e.silver(), e.dlq(),
            e.missing(), e.inBoth(), e.bronzeDuplicates() + e.silverDuplicates() + e.dlqDuplicates());
        e.offenders().forEach(o -> out.println("    offending: " + o));
        printIfAny(out, e.behind().line("bronze rows"));
      }
      if (withReasons) {
        out.println("  DLQ by error_reason:");
        if (dlqByReason.isEmpty()) {
          out.println("    (none)");
        }
        dlqByReason.forEach((reason, n) -> out.printf("    %-28s %,8d%n", reason, n));
      }
      if (gold != null) {
        out.printf("  gold: %,d rows for %,d distinct silver keys; missing %,d, not in silver %,d, keys twice %,d; "
            + "%,d late rows written through%n", gold.goldRows(), gold.silverKeys(), gold.missing(),
            gold.extra(), gold.duplicateKeys(), gold.lateRows());
        if (gold.comparedFrom() != null) {
          out.printf("  window: gold rows with a trade time before %s are older than silver keeps (its retention); "
              + "only later ones must be in silver%n", gold.comparedFrom());
        }
        gold.offenders().forEach(o -> out.println("    offending: " + o));
        printIfAny(out, gold.behind().line("silver rows"));
      }
      if (bars != null) {
        out.println("  " + bars.line());
        bars.offenders().forEach(o -> out.println("    offending: " + o));
      }
      out.println(ok() ? "  reconcile: PASS, every bronze offset is in exactly one of silver or the DLQ"
          + (gold == null ? "" : ", every silver trade is in gold once, and every bar equals gold's trades")
          : "  reconcile: FAIL, see the offending rows above");
    }
  }

  public static Result run(SparkSession spark, LakeConfig lake, List<Exchange> exchanges, Instant from, Instant to) {
    return run(spark, lake, exchanges, from, to, null);
  }

  /** {@code checkpointRoot}: the streaming jobs' checkpoints, so each is checked only on what it has read. */
  public static Result run(SparkSession spark, LakeConfig lake, List<Exchange> exchanges, Instant from, Instant to,
      String checkpointRoot) {
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    StreamingReaders readers = StreamingReaders.under(checkpointRoot, spark.sparkContext().hadoopConfiguration());
    catalog.require(Tables.DLQ);
    // Rows maintenance moved to the archive are still the DLQ's: the record is accounted for there.
    Dataset<Row> dlqAll = spark.table(lake.qualified(Tables.DLQ));
    if (catalog.exists(Tables.DLQ_ARCHIVE)) {
      dlqAll = dlqAll.unionByName(spark.table(lake.qualified(Tables.DLQ_ARCHIVE)));
    }
    dlqAll = dlqAll.where(col("resolved_at").isNull());
    List<ExchangeResult> results = new ArrayList<>();
    Map<String, Long> byReason = new TreeMap<>();
    for (Exchange exchange : exchanges) {
      Table bronzeTable = catalog.require(Tables.bronzeName(exchange));
      catalog.require(Tables.silverName(exchange));
      SourceRead read = SourceRead.of(LakeSql.within(spark.table(lake.qualified(Tables.bronzeName(exchange))),
          "kafka_timestamp", from, to), Tables.bronze(exchange), readers.readUpTo(bronzeTable));
      Dataset<Row> bronze = read.rows();
      Dataset<Row> silver = spark.table(lake.qualified(Tables.silverName(exchange)));
      Dataset<Row> dlq = dlqAll.where(col("bronze_source").equalTo(Tables.bronzeName(exchange)));
      try (Progress step = Progress.step("reconcile: %s against %s and the DLQ", Tables.bronzeName(exchange),
          Tables.silverName(exchange))) {
        results.add(BronzeCheck.run(exchange, bronze, silver, dlq, read.behind()));
        dlq.join(bronze.select(LineageKey.columns()), LineageKey.joinOn(), "left_semi")
            .groupBy("error_reason").count().collectAsList()
            .forEach(r -> byReason.merge(r.getString(0), r.getLong(1), Long::sum));
      }
    }
    GoldResult gold = null;
    if (catalog.exists(Tables.GOLD)) {
      try (Progress step = Progress.step("reconcile: %s against silver", Tables.GOLD)) {
        gold = GoldCheck.run(spark, lake, exchanges, catalog, readers);
      }
    }
    BarCheck.Result bars = null;
    if (catalog.exists(Tables.GOLD) && catalog.exists(Tables.OHLCV_1M)) {
      try (Progress step = Progress.step("reconcile: %s against %s's trades", Tables.OHLCV_1M, Tables.GOLD)) {
        bars = BarCheck.run(spark, lake, exchanges.stream().map(Exchange::code).toList(),
            readers.readThrough(catalog.load(Tables.GOLD)));
      }
    }
    return new Result(results, byReason, gold, bars);
  }
}
