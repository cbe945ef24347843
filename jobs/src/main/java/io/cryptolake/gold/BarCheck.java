package io.cryptolake.gold;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.cryptolake.lake.AppendedRows;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.streaming.StreamingReaders;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The bars' guarantee, checked: every bar in gold_ohlcv_1m equals the bar gold's trades of its (exchange,
 * symbol, minute) make, and every minute gold has trades for has its bar. All columns exactly, except the VWAP,
 * a double-precision sum whose last digits depend on the order of addition (equal to 1e-9 relative).
 *
 * <p>Given how far the bars query has read gold (its checkpoint), the minutes of gold rows it has not read yet
 * are behind, not checked: their bars are brought up to date by its next batches. Every other minute's bar was
 * last computed after all of that minute's rows were in gold, so it must be exact.
 */
public final class BarCheck {
  private static final List<String> EXACT = List.of("currency", "open", "high", "low", "close", "volume",
      "quote_volume", "trade_count");
  private static final int OFFENDERS_SHOWN = 20;

  private BarCheck() {}

  /**
   * Bars in the table, bars gold's trades make, and how many are missing, extra or different, among the minutes
   * checked; {@code behind}: gold rows the bars query has not read yet and their minutes, not checked.
   */
  public record Result(long bars, long expected, long missing, long extra, long different, List<String> offenders,
      Behind behind) {
    public boolean ok() {
      return missing == 0 && extra == 0 && different == 0;
    }

    public String line() {
      return String.format("bars: %,d in %s for %,d minutes with trades in gold; missing %,d, not in gold %,d, "
          + "different %,d", bars, Tables.OHLCV_1M, expected, missing, extra, different);
    }
  }

  /** Gold rows {@code query} has not read yet, and the bars of their minutes, left out of the check. */
  public record Behind(String query, long goldRows, long bars) {
    public static final Behind NONE = new Behind(null, 0, 0);

    /** A line for the report, or null when nothing is behind. */
    public String line() {
      return goldRows == 0 ? null : String.format("%s has not read %,d gold rows yet: the bars of their %,d minutes "
          + "are behind, not checked this time", query, goldRows, bars);
    }
  }

  /** Checks every bar of the given exchange codes (BINANCE, KRAKEN), as after the bars query has read all of gold. */
  public static Result run(SparkSession spark, LakeConfig lake, List<String> exchangeCodes) {
    return run(spark, lake, exchangeCodes, Optional.empty());
  }

  /**
   * Checks the bars of the given exchange codes (BINANCE, KRAKEN) except those of minutes with gold rows committed
   * after {@code barsRead}, the gold snapshot the bars query has read through (empty: check them all).
   */
  public static Result run(SparkSession spark, LakeConfig lake, List<String> exchangeCodes,
      Optional<StreamingReaders.ReadThrough> barsRead) {
    Column ofExchanges = col("exchange").isin(exchangeCodes.toArray());
    Dataset<Row> gold = spark.table(lake.qualified(Tables.GOLD)).where(ofExchanges);
    Dataset<Row> expected = OhlcvStream.bars(gold);
    // The columns users read: a bar written before the merge columns existed has those NULL until touched.
    Dataset<Row> actual = spark.table(lake.qualified(Tables.OHLCV_1M)).where(ofExchanges)
        .selectExpr(OhlcvStream.BAR_COLUMNS.toArray(String[]::new));
    Dataset<Row> unread = barsRead.map(read -> unreadRows(spark, lake, read, gold))
        .map(rows -> rows.where(ofExchanges)
            .groupBy(col("exchange"), col("symbol"), date_trunc("minute", col("timestamp")).as("minute"))
            .agg(count("*").as("rows")).cache())
        .orElse(null);
    try {
      Behind behind = Behind.NONE;
      if (unread != null) {
        Row totals = unread.agg(sum("rows"), count("*")).first();
        behind = longOf(totals, 0) == 0 ? Behind.NONE
            : new Behind(barsRead.get().query(), longOf(totals, 0), longOf(totals, 1));
      }
      if (behind.goldRows() > 0) {
        Dataset<Row> minutes = unread.select("exchange", "symbol", "minute");
        expected = expected.join(minutes, asSeq("exchange", "symbol", "minute"), "left_anti");
        actual = actual.join(minutes, asSeq("exchange", "symbol", "minute"), "left_anti");
      }
      return compare(expected.as("e"), actual.as("a"), behind);
    } finally {
      if (unread != null) {
        unread.unpersist();
      }
    }
  }

  private static Result compare(Dataset<Row> expected, Dataset<Row> actual, Behind behind) {
    Column sameKey = col("e.exchange").equalTo(col("a.exchange")).and(col("e.symbol").equalTo(col("a.symbol")))
        .and(col("e.minute").equalTo(col("a.minute")));
    Dataset<Row> joined = expected.join(actual, sameKey, "full_outer").cache();
    try {
      Column missing = col("a.minute").isNull();
      Column extra = col("e.minute").isNull();
      Column same = EXACT.stream().map(c -> col("e." + c).eqNullSafe(col("a." + c))).reduce(Column::and)
          .orElseThrow().and(vwapClose());
      Column different = missing.or(extra).equalTo(false).and(same.equalTo(false));
      Row totals = joined.agg(sum(flag(extra.equalTo(false))), sum(flag(missing.equalTo(false))), sum(flag(missing)),
          sum(flag(extra)), sum(flag(different))).first();
      List<String> offenders = joined.where(missing.or(extra).or(different)).limit(OFFENDERS_SHOWN).collectAsList()
          .stream().map(r -> "expected " + describe(r, 0) + " / in the table " + describe(r, 12)).toList();
      return new Result(longOf(totals, 1), longOf(totals, 0), longOf(totals, 2), longOf(totals, 3),
          longOf(totals, 4), offenders, behind);
    } finally {
      joined.unpersist();
    }
  }

  /**
   * Gold rows committed after the snapshot the bars query has read through (gold's writes, late rows included,
   * are appends); all of gold when it has read no snapshot whole, or that snapshot has expired.
   */
  private static Dataset<Row> unreadRows(SparkSession spark, LakeConfig lake, StreamingReaders.ReadThrough read,
      Dataset<Row> gold) {
    Long since = read.snapshot() == null ? null : read.snapshot().snapshotId();
    Table table = new LakeCatalog(spark, lake).load(Tables.GOLD);
    return AppendedRows.since(spark, lake, Tables.GOLD, table, since).orElse(gold);
  }

  private static scala.collection.immutable.Seq<String> asSeq(String... columns) {
    return scala.jdk.javaapi.CollectionConverters.asScala(List.of(columns)).toList();
  }

  private static Column vwapClose() {
    Column e = col("e.vwap").cast(DataTypes.DoubleType);
    Column a = col("a.vwap").cast(DataTypes.DoubleType);
    return e.isNull().and(a.isNull()).or(abs(e.minus(a)).leq(abs(e).multiply(1e-9)));
  }

  private static long longOf(Row row, int i) {
    return row.isNullAt(i) ? 0 : row.getLong(i);
  }

  private static Column flag(Column condition) {
    return when(condition, 1L).otherwise(0L);
  }

  /** One side of a joined row: the bar's twelve columns from {@code offset}, or "none". */
  private static String describe(Row row, int offset) {
    if (row.isNullAt(offset + 3)) {
      return "none";
    }
    StringBuilder out = new StringBuilder();
    for (int i = offset; i < offset + 12; i++) {
      out.append(i == offset ? "" : " ").append(row.get(i));
    }
    return out.toString();
  }
}
