package io.cryptolake.gold;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The partition conditions of the bars' scan and of gold's late-row MERGE stay small however many hours a batch
 * touches: a catch-up batch over 45 days (1,080 hours) built one OR clause per hour, and generating code for
 * that chain ran the soak's 1 GB gold driver out of heap.
 */
class PartitionConditionsTest {
  private static final Instant START = Instant.parse("2026-10-01T00:00:00Z");

  @Test
  void aBatchOverManyHoursGetsAConditionOfBoundedSize() {
    int hours = 45 * 24;
    List<Row> keys = new ArrayList<>();
    List<GoldHours.Hour> partitions = new ArrayList<>();
    for (int h = 0; h < hours; h++) {
      Instant minute = START.plus(Duration.ofHours(h)).plusSeconds(60 * (h % 60));
      keys.add(key(Timestamp.from(minute)));
      partitions.add(new GoldHours.Hour(LocalDate.of(2026, 10, 1).plusDays(h / 24), h % 24));
    }
    TouchedMinutes touched = new TouchedMinutes(keys);
    assertTrue(ors(touched.goldFilter().toString()) <= GoldHours.MAX_CLAUSES, touched.goldFilter().toString());
    assertTrue(ors(touched.barsCondition("t")) <= GoldHours.MAX_CLAUSES, touched.barsCondition("t"));
    String late = GoldHours.sql(partitions, "t");
    assertTrue(ors(late) <= GoldHours.MAX_CLAUSES, late);
    assertTrue(late.startsWith("(t.exchange_date IN (DATE '2026-10-01', DATE '2026-10-02'"), late);
  }

  @Test
  void aBatchOverFewHoursNamesEachHour() {
    List<GoldHours.Hour> partitions = List.of(new GoldHours.Hour(LocalDate.of(2026, 10, 1), 3),
        new GoldHours.Hour(LocalDate.of(2026, 10, 1), 4));
    assertEquals("((t.exchange_date = DATE '2026-10-01' AND t.exchange_hour = 3) OR "
        + "(t.exchange_date = DATE '2026-10-01' AND t.exchange_hour = 4))", GoldHours.sql(partitions, "t"));
    TouchedMinutes touched = new TouchedMinutes(List.of(
        key(Timestamp.from(START.plusSeconds(60))),
        key(Timestamp.from(START.plusSeconds(3_700)))));
    assertEquals(2, ors(touched.goldFilter().toString()), touched.goldFilter().toString());
  }

  /** A touched (exchange, symbol, minute), as the bars' batch collects it. */
  private static Row key(Timestamp minute) {
    StructType schema = new StructType().add("exchange", DataTypes.StringType).add("symbol", DataTypes.StringType)
        .add("minute", DataTypes.TimestampType);
    return new GenericRowWithSchema(new Object[] {"BINANCE", "BTCUSDT", minute}, schema);
  }

  /** ORs in a condition: SQL's infix ones, and a Column's or(a, b) as it prints. */
  private static int ors(String condition) {
    return condition.split(" OR |\\bor\\(", -1).length - 1;
  }
}
