package io.cryptolake.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import io.cryptolake.metrics.Freshness;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.schemas.DlqReason;
import io.cryptolake.validation.TradeValidator;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What one silver micro-batch did: rows in, valid, and invalid by error_reason and error_type, and the newest
 * Kafka timestamp among its rows (null for none).
 */
public record SilverBatchStats(String job, long batchId, long valid, Map<String, Long> invalidByReason,
    Map<String, Long> invalidByType, Timestamp newest) {
  private static final String ROWS = "rows";
  private static final String VALID = "valid";
  private static final String NEWEST = "newest";
  private static final String KAFKA_TIMESTAMP = "kafka_timestamp";

  public long invalid() {
    return invalidByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  public long rowsIn() {
    return valid + invalid();
  }

  /**
   * The aggregate expressions that give a validated batch's stats in the pass that materializes it: rows, valid
   * rows, the newest Kafka timestamp, and one count per DLQ reason.
   */
  static Column[] metrics() {
    List<Column> metrics = new ArrayList<>(List.of(count(lit(1)).as(ROWS),
        count_if(col(TradeValidator.ERROR_REASON).isNull()).as(VALID), max(col(KAFKA_TIMESTAMP)).as(NEWEST)));
    for (DlqReason reason : DlqReason.values()) {
      metrics.add(count_if(col(TradeValidator.ERROR_REASON).equalTo(reason.reason())).as(reason.reason()));
    }
    return metrics.toArray(Column[]::new);
  }

  /** The stats from {@link #metrics()}; empty when they do not add up (a reason not in {@link DlqReason}). */
  static Optional<SilverBatchStats> of(String job, long batchId, Row metrics) {
    Map<String, Long> byReason = new LinkedHashMap<>();
    Map<String, Long> byType = new LinkedHashMap<>();
    for (DlqReason reason : DlqReason.values()) {
      long n = metrics.<Long>getAs(reason.reason());
      if (n > 0) {
        byReason.put(reason.reason(), n);
        byType.merge(reason.type().value(), n, Long::sum);
      }
    }
    SilverBatchStats stats = new SilverBatchStats(job, batchId, metrics.<Long>getAs(VALID), byReason, byType,
        metrics.getAs(NEWEST));
    return stats.rowsIn() == metrics.<Long>getAs(ROWS) ? Optional.of(stats) : Optional.empty();
  }

  /** The stats counted by a Spark job of their own over the validated rows. */
  static SilverBatchStats of(String job, long batchId, Dataset<Row> validated) {
    List<Row> counts = validated.groupBy(col(TradeValidator.ERROR_REASON), col(TradeValidator.ERROR_TYPE))
        .agg(count("*").as("n"), max(KAFKA_TIMESTAMP)).collectAsList();
    long valid = 0;
    Map<String, Long> byReason = new LinkedHashMap<>();
    Map<String, Long> byType = new LinkedHashMap<>();
    Timestamp newest = null;
    for (Row row : counts) {
      if (!row.isNullAt(3) && (newest == null || row.getTimestamp(3).after(newest))) {
        newest = row.getTimestamp(3);
      }
      String reason = row.getString(0);
      long n = row.getLong(2);
      if (reason == null) {
        valid += n;
      } else {
        byReason.merge(reason, n, Long::sum);
        byType.merge(row.getString(1), n, Long::sum);
      }
    }
    return new SilverBatchStats(job, batchId, valid, byReason, byType, newest);
  }

  /** Adds the batch to the job's metrics. */
  public void publish() {
    Freshness.report(job, newest);
    JobMetrics.add(LakeMetric.RECORDS_VALID, valid);
    JobMetrics.add(LakeMetric.RECORDS_INVALID, invalid());
    JobMetrics.add(LakeMetric.RECORDS_OUT, rowsIn());
    invalidByType.forEach(JobMetrics::addDlq);
    if (rowsIn() > 0) {
      JobMetrics.set(LakeMetric.DLQ_RATE, (double) invalid() / rowsIn());
    }
  }

  /** One log line a person or a log pipeline can read. */
  public String logLine() {
    return String.format("%s batch %d: %d rows in, %d valid, %d to the DLQ %s", job, batchId, rowsIn(), valid,
        invalid(), new TreeMap<>(invalidByType).entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", ", "{", "}")));
  }
}
