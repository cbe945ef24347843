package io.cryptolake.reconcile;

import static io.cryptolake.reconcile.Tally.flag;
import static io.cryptolake.reconcile.Tally.longOf;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.sum;

import io.cryptolake.lake.LineageKey;
import io.cryptolake.reconcile.Reconciliation.Behind;
import io.cryptolake.reconcile.Reconciliation.ExchangeResult;
import io.cryptolake.schemas.Exchange;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One exchange's bronze against its silver table and the DLQ: every bronze offset in exactly one of them,
 * none twice in any table.
 */
final class BronzeCheck {
  private BronzeCheck() {}

  static ExchangeResult run(Exchange exchange, Dataset<Row> bronze, Dataset<Row> silver, Dataset<Row> dlq,
      Behind behind) {
    Dataset<Row> bronzeKeys = bronze.groupBy(LineageKey.columns()).agg(count("*").as("in_bronze"));
    Dataset<Row> joined = bronzeKeys
        .join(silver.groupBy(LineageKey.columns()).agg(count("*").as("in_silver")), LineageKey.joinOn(), "left")
        .join(dlq.groupBy(LineageKey.columns()).agg(count("*").as("in_dlq")), LineageKey.joinOn(), "left")
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
        .orderBy(LineageKey.columns()).limit(Reconciliation.OFFENDERS_SHOWN).collectAsList().stream()
        .map(r -> String.format("%s/%d@%d bronze=%d silver=%d dlq=%d", r.getString(0), r.getInt(1), r.getLong(2),
            r.getLong(3), r.isNullAt(4) ? 0 : r.getLong(4), r.isNullAt(5) ? 0 : r.getLong(5)))
        .toList();
    joined.unpersist();
    return new ExchangeResult(exchange, longOf(totals, 0), longOf(totals, 1), longOf(totals, 2), longOf(totals, 3),
        longOf(totals, 4), longOf(totals, 5), longOf(totals, 6), longOf(totals, 7), offenders, behind);
  }
}
