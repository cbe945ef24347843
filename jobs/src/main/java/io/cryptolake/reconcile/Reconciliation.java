package io.cryptolake.reconcile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.cryptolake.gold.BarCheck;
import io.cryptolake.lake.CommitMarkers;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSql;
import io.cryptolake.lake.TableDef;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamingReaders;
import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Column;
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
 * rows written to its source since its last committed batch are counted as behind, not as missing.
 */
public final class Reconciliation {
  private static final String[] KEYS = {"kafka_topic", "kafka_partition", "kafka_offset"};
  private static final int OFFENDERS_SHOWN = 20;

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
      Read read = Read.of(LakeSql.within(spark.table(lake.qualified(Tables.bronzeName(exchange))), "kafka_timestamp",
          from, to), Tables.bronze(exchange), readers.readUpTo(bronzeTable));
      Dataset<Row> bronze = read.rows();
      Dataset<Row> silver = spark.table(lake.qualified(Tables.silverName(exchange)));
      Dataset<Row> dlq = dlqAll.where(col("bronze_source").equalTo(Tables.bronzeName(exchange)));
      results.add(check(exchange, bronze, silver, dlq, read.behind()));
      dlq.join(bronze.select(KEYS[0], KEYS[1], KEYS[2]), seq(), "left_semi")
          .groupBy("error_reason").count().collectAsList()
          .forEach(r -> byReason.merge(r.getString(0), r.getLong(1), Long::sum));
    }
    GoldResult gold = catalog.exists(Tables.GOLD) ? checkGold(spark, lake, exchanges, catalog, readers) : null;
    BarCheck.Result bars = catalog.exists(Tables.GOLD) && catalog.exists(Tables.OHLCV_1M)
        ? BarCheck.run(spark, lake, exchanges.stream().map(Exchange::code).toList()) : null;
    return new Result(results, byReason, gold, bars);
  }

  private static GoldResult checkGold(SparkSession spark, LakeConfig lake, List<Exchange> exchanges,
      LakeCatalog catalog, StreamingReaders readers) {
    String[] key = {"exchange", "symbol", "trade_id"};
    Dataset<Row> silverKeys = null;
    Behind behind = Behind.NONE;
    for (Exchange exchange : exchanges) {
      Read read = Read.of(spark.table(lake.qualified(Tables.silverName(exchange))), Tables.silver(exchange),
          readers.readUpTo(catalog.load(Tables.silverName(exchange))));
      behind = behind.rows() >= read.behind().rows() ? behind : read.behind();
      // Every silver key, and whether gold has read it: only those must be in gold; any may be.
      Dataset<Row> keys = read.all().select(col(key[0]), col(key[1]), col(key[2]), read.isRead().as("read"));
      silverKeys = silverKeys == null ? keys : silverKeys.union(keys);
    }
    long behindRows = behind.rows() == 0 ? 0 : silverKeys.where(col("read").equalTo(false)).count();
    behind = behindRows == 0 ? Behind.NONE : new Behind(behind.query(), behindRows, behind.since());
    silverKeys = silverKeys.groupBy(key[0], key[1], key[2]).agg(max("read").as("read"));
    List<String> codes = exchanges.stream().map(Exchange::code).toList();
    Dataset<Row> gold = spark.table(lake.qualified(Tables.GOLD)).where(col("exchange").isin(codes.toArray()));
    // Gold keeps every trade; silver only its retention. A gold row older than that need not be in silver.
    LocalDate comparedFrom = exchanges.stream().map(e -> catalog.load(Tables.silverName(e)))
        .map(t -> t.properties().get(Tables.RETENTION_DAYS)).filter(java.util.Objects::nonNull)
        .map(days -> LocalDate.now(ZoneOffset.UTC).minusDays(Integer.parseInt(days))).max(LocalDate::compareTo)
        .orElse(null);
    Column inWindow = comparedFrom == null ? lit(true)
        : col("first_time").geq(lit(Timestamp.from(comparedFrom.atStartOfDay(ZoneOffset.UTC).toInstant())));
    Dataset<Row> joined = silverKeys.withColumn("in_silver", lit(1))
        .join(gold.groupBy(key[0], key[1], key[2]).agg(count("*").as("in_gold"), min("timestamp").as("first_time")),
            scala.jdk.javaapi.CollectionConverters.asScala(List.of(key)).toSeq(), "full_outer")
        .where(col("in_silver").isNotNull().or(inWindow))
        .drop("first_time")
        .cache();
    Column missing = col("in_gold").isNull().and(col("read"));
    Row totals = joined.agg(sum(flag(col("in_silver").isNotNull())), sum(col("in_gold")),
        sum(flag(missing)), sum(flag(col("in_silver").isNull())), sum(flag(col("in_gold").gt(1)))).first();
    List<String> offenders = joined
        .where(missing.or(col("in_silver").isNull()).or(col("in_gold").gt(1)))
        .limit(OFFENDERS_SHOWN).collectAsList().stream()
        .map(r -> String.format("%s %s %s silver=%s gold=%s", r.getString(0), r.getString(1), r.getString(2),
            r.isNullAt(4) ? 0 : 1, r.isNullAt(5) ? 0 : r.getLong(5)))
        .toList();
    joined.unpersist();
    long late = 0;
    for (org.apache.iceberg.Snapshot snapshot : catalog.load(Tables.GOLD).snapshots()) {
      if ("true".equals(snapshot.summary().get(CommitMarkers.LATE_MERGE))) {
        late += Long.parseLong(snapshot.summary().getOrDefault("added-records", "0"));
      }
    }
    return new GoldResult(longOf(totals, 0), longOf(totals, 1), longOf(totals, 2), longOf(totals, 3),
        longOf(totals, 4), late, offenders, comparedFrom, behind);
  }

  private static ExchangeResult check(Exchange exchange, Dataset<Row> bronze, Dataset<Row> silver, Dataset<Row> dlq,
      Behind behind) {
    Dataset<Row> bronzeKeys = bronze.groupBy(KEYS[0], KEYS[1], KEYS[2]).agg(count("*").as("in_bronze"));
    Dataset<Row> joined = bronzeKeys
        .join(silver.groupBy(KEYS[0], KEYS[1], KEYS[2]).agg(count("*").as("in_silver")), seq(), "left")
        .join(dlq.groupBy(KEYS[0], KEYS[1], KEYS[2]).agg(count("*").as("in_dlq")), seq(), "left")
        .cache();
    Column inSilver = col("in_silver").isNotNull();
    Column inDlq = col("in_dlq").isNotNull();
    Column missing = inSilver.or(inDlq).equalTo(false);
    Column both = inSilver.and(inDlq);
    Row totals = joined.agg(
        sum(col("in_bronze")), sum(flag(col("in_bronze").gt(1))), sum(flag(inSilver)), sum(flag(inDlq)),
        sum(flag(missing)), sum(flag(both)), sum(flag(col("in_silver").gt(1))), sum(flag(col("in_dlq").gt(1))))
        .first();
    List<String> offenders = joined
        .where(missing.or(both).or(col("in_bronze").gt(1)).or(col("in_silver").gt(1)).or(col("in_dlq").gt(1)))
        .orderBy(KEYS[0], KEYS[1], KEYS[2]).limit(OFFENDERS_SHOWN).collectAsList().stream()
        .map(r -> String.format("%s/%d@%d bronze=%d silver=%d dlq=%d", r.getString(0), r.getInt(1), r.getLong(2),
            r.getLong(3), r.isNullAt(4) ? 0 : r.getLong(4), r.isNullAt(5) ? 0 : r.getLong(5)))
        .toList();
    joined.unpersist();
    return new ExchangeResult(exchange, longOf(totals, 0), longOf(totals, 1), longOf(totals, 2), longOf(totals, 3),
        longOf(totals, 4), longOf(totals, 5), longOf(totals, 6), longOf(totals, 7), offenders, behind);
  }

  private static Column flag(Column condition) {
    return when(condition, 1L).otherwise(0L);
  }

  private static long longOf(Row row, int i) {
    return row.isNullAt(i) ? 0 : row.getLong(i);
  }

  private static scala.collection.immutable.Seq<String> seq() {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(KEYS)).toSeq();
  }

  /**
   * A source table's rows and which of them the job reading it has read: those written before its last
   * committed batch's end ({@link StreamingReaders#readUpTo}), by the table's written-at column.
   */
  private record Read(Dataset<Row> all, Column isRead, Behind behind) {
    Dataset<Row> rows() {
      return behind.rows() == 0 ? all : all.where(isRead);
    }

    static Read of(Dataset<Row> all, TableDef def, Optional<StreamingReaders.ReadUpTo> upTo) {
      if (upTo.isEmpty()) {
        return new Read(all, lit(true), Behind.NONE);
      }
      long before = upTo.get().writtenBeforeMillis();
      Column isRead = before == Long.MIN_VALUE ? lit(false)
          : col(def.properties().get(Tables.WRITTEN_AT_COLUMN)).lt(lit(new Timestamp(before)));
      long pending = all.where(not(isRead)).count();
      return new Read(all, isRead, pending == 0 ? Behind.NONE
          : new Behind(upTo.get().query(), pending, before == Long.MIN_VALUE ? null : Instant.ofEpochMilli(before)));
    }
  }
}
