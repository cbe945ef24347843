package io.cryptolake.gaps;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.testing.TestLake;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The recorded gaps a check looks at: exactly those overlapping their symbol's range, the same in the Column form
 * and in the SQL the MERGE gets, whatever a symbol's characters (quotes and backslashes included).
 */
class IdRangesTest {
  private static final List<String> SYMBOLS = List.of("BTCUSDT", "A'B", "C\\D", "E\\'F", "G''", "\\", "'");
  private static final StructType GAPS = new StructType().add("exchange", DataTypes.StringType)
      .add("symbol", DataTypes.StringType).add("gap_start", DataTypes.LongType).add("gap_end", DataTypes.LongType);

  @Test
  void selectsTheGapsOverlappingTheirSymbolsRangeInBothForms() {
    check(SYMBOLS, 40, true);
  }

  /**
   * More symbols than one condition names: one range over all of them, which keeps every gap overlapping its
   * symbol's range and may keep others; both forms alike.
   */
  @Test
  void manySymbolsGetOneRangeThatKeepsEveryOverlappingGap() {
    List<String> symbols = IntStream.range(0, 3 * IdRanges.MAX_CLAUSES).mapToObj(i -> "S" + i + "'\\").toList();
    check(symbols, 1_000, false);
  }

  /** {@code recorded} random gaps, the first {@code asked} their ranges; {@code exact}: nothing but the overlapping. */
  private static void check(List<String> symbols, int asked, boolean exact) {
    SparkSession spark = TestLake.spark();
    Random random = new Random(44);
    List<Row> recorded = new ArrayList<>();
    for (int i = 0; i < 10 * asked; i++) {
      long start = random.nextInt(1_000) + (random.nextBoolean() ? Long.MAX_VALUE - 1_100 : 0);
      recorded.add(RowFactory.create(random.nextBoolean() ? "BINANCE" : "KRAKEN",
          symbols.get(random.nextInt(symbols.size())), start, start + random.nextInt(50)));
    }
    Dataset<Row> gaps = spark.createDataFrame(recorded, GAPS);
    IdRanges ranges = IdRanges.of(gaps.limit(asked).collectAsList(), "gap_start", "gap_end");
    assertEquals(exact, ranges.ranges().size() <= IdRanges.MAX_CLAUSES, "the case this check is about");
    List<String> overlapping = recorded.stream().filter(gap -> ranges.ranges().stream().anyMatch(r ->
        r.exchange().equals(gap.getString(0)) && r.symbol().equals(gap.getString(1)) && gap.getLong(3) >= r.low()
            && gap.getLong(2) <= r.high())).map(Row::toString).sorted().toList();

    gaps.createOrReplaceTempView("id_ranges_gaps");
    List<String> byColumn = sorted(gaps.where(ranges.overlapping()).collectAsList());
    List<String> bySql = sorted(spark.sql("SELECT * FROM id_ranges_gaps t WHERE " + ranges.overlappingSql("t"))
        .collectAsList());
    assertEquals(byColumn, bySql, "the Column and the SQL select the same gaps");
    if (exact) {
      assertEquals(overlapping, byColumn);
    } else {
      assertTrue(byColumn.containsAll(overlapping), "every overlapping gap kept");
    }
    assertEquals(List.of(), gaps.where(IdRanges.of(List.of(), "gap_start", "gap_end").overlapping())
        .collectAsList(), "no ranges select nothing");
  }

  private static List<String> sorted(List<Row> rows) {
    return rows.stream().map(Row::toString).sorted().collect(Collectors.toList());
  }
}
