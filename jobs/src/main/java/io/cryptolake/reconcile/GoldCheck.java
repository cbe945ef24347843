package io.cryptolake.reconcile;

import static io.cryptolake.reconcile.Tally.flag;
import static io.cryptolake.reconcile.Tally.longOf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.cryptolake.lake.CommitMarkers;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.SnapshotCounts;
import io.cryptolake.lake.Tables;
import io.cryptolake.reconcile.Reconciliation.Behind;
import io.cryptolake.reconcile.Reconciliation.GoldResult;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamingReaders;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.iceberg.SnapshotSummary;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Gold against silver: every distinct silver key (exchange, symbol, trade_id) that gold has read is in gold
 * once, gold has no key silver lacks (within silver's retention), and the late rows gold wrote through.
 */
final class GoldCheck {
  private GoldCheck() {}

  static GoldResult run(SparkSession spark, LakeConfig lake, List<Exchange> exchanges,
      LakeCatalog catalog, StreamingReaders readers) {
    String[] key = {"exchange", "symbol", "trade_id"};
    Dataset<Row> silverKeys = null;
    Behind behind = Behind.NONE;
    for (Exchange exchange : exchanges) {
      SourceRead read = SourceRead.of(spark.table(lake.qualified(Tables.silverName(exchange))), Tables.silver(exchange),
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
        .limit(Reconciliation.OFFENDERS_SHOWN).collectAsList().stream()
        .map(r -> String.format("%s %s %s silver=%s gold=%s", r.getString(0), r.getString(1), r.getString(2),
            r.isNullAt(4) ? 0 : 1, r.isNullAt(5) ? 0 : r.getLong(5)))
        .toList();
    joined.unpersist();
    long late = 0;
    for (org.apache.iceberg.Snapshot snapshot : catalog.load(Tables.GOLD).snapshots()) {
      if ("true".equals(snapshot.summary().get(CommitMarkers.LATE_MERGE))) {
        late += SnapshotCounts.of(snapshot, SnapshotSummary.ADDED_RECORDS_PROP);
      }
    }
    return new GoldResult(longOf(totals, 0), longOf(totals, 1), longOf(totals, 2), longOf(totals, 3),
        longOf(totals, 4), late, offenders, comparedFrom, behind);
  }
}
