package io.cryptolake.gold;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * The bars' guarantee, checked: every bar in gold_ohlcv_1m equals the bar gold's trades of its (exchange,
 * symbol, minute) make, and every minute gold has trades for has its bar. All columns exactly, except the VWAP,
 * a double-precision sum whose last digits depend on the order of addition (equal to 1e-9 relative).
 */
public final class BarCheck {
  private static final List<String> EXACT = List.of("currency", "open", "high", "low", "close", "volume",
      "quote_volume", "trade_count");
  private static final int OFFENDERS_SHOWN = 20;

  private BarCheck() {}

  /** Bars in the table, bars gold's trades make, and how many are missing, extra or different. */
  public record Result(long bars, long expected, long missing, long extra, long different, List<String> offenders) {
    public boolean ok() {
      return missing == 0 && extra == 0 && different == 0;
    }

    public String line() {
      return String.format("bars: %,d in %s for %,d minutes with trades in gold; missing %,d, not in gold %,d, "
          + "different %,d", bars, Tables.OHLCV_1M, expected, missing, extra, different);
    }
  }

  /** Checks the bars of the given exchange codes (BINANCE, KRAKEN). */
  public static Result run(SparkSession spark, LakeConfig lake, List<String> exchangeCodes) {
    Dataset<Row> expected = OhlcvStream.bars(spark.table(lake.qualified(Tables.GOLD))
        .where(col("exchange").isin(exchangeCodes.toArray()))).as("e");
    Dataset<Row> actual = spark.table(lake.qualified(Tables.OHLCV_1M))
        .where(col("exchange").isin(exchangeCodes.toArray())).as("a");
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
          longOf(totals, 4), offenders);
    } finally {
      joined.unpersist();
    }
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
