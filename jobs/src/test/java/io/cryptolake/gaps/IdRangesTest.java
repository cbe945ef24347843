package io.cryptolake.gaps;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.testing.TestLake;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
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
    SparkSession spark = TestLake.spark();
    Random random = new Random(44);
    List<Row> recorded = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      long start = random.nextInt(1_000) + (random.nextBoolean() ? Long.MAX_VALUE - 1_100 : 0);
      recorded.add(RowFactory.create(random.nextBoolean() ? "BINANCE" : "KRAKEN",
          SYMBOLS.get(random.nextInt(SYMBOLS.size())), start, start + random.nextInt(50)));
    }
    Dataset<Row> gaps = spark.createDataFrame(recorded, GAPS);
    List<Row> asked = gaps.limit(40).collectAsList();
    IdRanges ranges = IdRanges.of(asked, "gap_start", "gap_end");
    List<String> expected = recorded.stream().filter(gap -> ranges.ranges().stream().anyMatch(r ->
        r.exchange().equals(gap.getString(0)) && r.symbol().equals(gap.getString(1)) && gap.getLong(3) >= r.low()
            && gap.getLong(2) <= r.high())).map(Row::toString).sorted().toList();

    gaps.createOrReplaceTempView("id_ranges_gaps");
    assertEquals(expected, sorted(gaps.where(ranges.overlapping()).collectAsList()));
    assertEquals(expected, sorted(spark.sql("SELECT * FROM id_ranges_gaps t WHERE " + ranges.overlappingSql("t"))
        .collectAsList()));
    assertEquals(List.of(), gaps.where(IdRanges.of(List.of(), "gap_start", "gap_end").overlapping())
        .collectAsList(), "no ranges select nothing");
  }

  private static List<String> sorted(List<Row> rows) {
    return rows.stream().map(Row::toString).sorted().collect(Collectors.toList());
  }
}
