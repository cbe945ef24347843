package io.cryptolake.silver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.schemas.DlqReason;
import io.cryptolake.streaming.MaterializedBatch;
import io.cryptolake.testing.TestLake;
import io.cryptolake.validation.TradeValidator;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * A silver batch's counts come from the pass that materializes it (no Spark job of their own); they must equal a
 * count of its rows, and a reason they do not know must not be lost: the rows are then counted.
 */
class SilverBatchStatsTest {
  private static final Instant T0 = Instant.parse("2026-12-03T06:00:00Z");
  private static final StructType VALIDATED = new StructType()
      .add(TradeValidator.ERROR_REASON, DataTypes.StringType)
      .add(TradeValidator.ERROR_TYPE, DataTypes.StringType)
      .add("kafka_timestamp", DataTypes.TimestampType);

  @Test
  void theCountsTakenWhileTheBatchIsMaterializedEqualACountOfItsRows() {
    List<Row> rows = new ArrayList<>();
    DlqReason[] reasons = DlqReason.values();
    for (int i = 0; i < reasons.length; i++) {
      for (int n = 0; n <= i; n++) {
        rows.add(row(reasons[i].reason(), reasons[i].type().value(), i));
      }
    }
    for (int n = 0; n < 5; n++) {
      rows.add(row(null, null, 200 + n));
    }
    try (MaterializedBatch batch = MaterializedBatch.of(frame(rows), SilverBatchStats.metrics())) {
      SilverBatchStats observed = SilverBatchStats.of("silver-test", 7, batch.metrics().orElseThrow()).orElseThrow();
      SilverBatchStats counted = SilverBatchStats.of("silver-test", 7, batch.rows());
      assertEquals(counted, observed);
      int invalid = reasons.length * (reasons.length + 1) / 2;
      assertEquals(List.of(5L, (long) invalid), List.of(observed.valid(), observed.invalid()));
      assertEquals(reasons.length, observed.invalidByReason().size());
      assertEquals(DlqReason.TRADE_ID_REQUIRED.ordinal() + 1L,
          observed.invalidByReason().get(DlqReason.TRADE_ID_REQUIRED.reason()));
      assertEquals(1L + 2 + 3 + 4, observed.invalidByType().get(DlqReason.ErrorType.DESERIALIZATION.value()));
      assertEquals(Timestamp.from(T0.plusSeconds(204)), observed.newest());
    }
  }

  @Test
  void aReasonTheStatsDoNotKnowIsCountedFromTheRows() {
    List<Row> rows = List.of(row(null, null, 1), row(null, null, 2), row("a_reason_of_a_later_version", "other", 3));
    try (MaterializedBatch batch = MaterializedBatch.of(frame(rows), SilverBatchStats.metrics())) {
      assertTrue(SilverBatchStats.of("silver-test", 8, batch.metrics().orElseThrow()).isEmpty(),
          "3 rows, 2 valid and no known reason: the observed counts do not add up");
      SilverBatchStats counted = SilverBatchStats.of("silver-test", 8, batch.rows());
      assertEquals(Map.of("a_reason_of_a_later_version", 1L), counted.invalidByReason());
      assertEquals(2, counted.valid());
    }
  }

  @Test
  void anEmptyBatchHasZeroCountsAndNoNewestTime() {
    try (MaterializedBatch batch = MaterializedBatch.of(frame(List.of()), SilverBatchStats.metrics())) {
      SilverBatchStats observed = SilverBatchStats.of("silver-test", 9, batch.metrics().orElseThrow()).orElseThrow();
      assertEquals(List.of(0L, 0L), List.of(observed.valid(), observed.rowsIn()));
      assertEquals(null, observed.newest());
    }
  }

  private static Row row(String reason, String type, int seconds) {
    return RowFactory.create(reason, type, Timestamp.from(T0.plusSeconds(seconds)));
  }

  private static Dataset<Row> frame(List<Row> rows) {
    return TestLake.spark().createDataFrame(rows, VALIDATED).repartition(2);
  }
}
