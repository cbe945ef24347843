package io.cryptolake.streaming;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * Rows counted by the value of one column, for a column whose values are known in advance (a DLQ reason, a
 * de-duplication disposition), as aggregate expressions a {@link MaterializedBatch} observes while it keeps the
 * rows. A value that is not one of them makes the counts incomplete, which {@link #read} tells: the caller
 * counts with a Spark job instead, so the figures are exact whatever the rows hold.
 */
public final class ValueCounts {
  private final Column column;
  private final List<String> values;

  public ValueCounts(Column column, List<String> values) {
    this.column = column;
    this.values = List.copyOf(values);
  }

  /**
   * All rows, the rows without a value, then the rows of each known value. As {@code count(when(...))}, not
   * {@code count_if}: Spark rewrites a {@code count_if} over a column into a projection below the observation,
   * which it merges with the one that computes the column, and a computed column (silver's verdict) was then
   * computed again for every value counted: twice the transform's CPU (docs/benchmarks.md, round 45).
   */
  public List<Column> metrics() {
    List<Column> metrics = new ArrayList<>(List.of(count(lit(1)), count(when(column.isNull(), lit(1)))));
    values.forEach(value -> metrics.add(count(when(column.equalTo(lit(value)), lit(1)))));
    return metrics;
  }

  /** How many of {@link #metrics()} there are. */
  public int size() {
    return values.size() + 2;
  }

  /**
   * The counts by value, in the order given ({@code null} first: rows without one; values no row had are left
   * out), from the observed metrics, {@link #metrics()} starting at {@code from}; empty when some rows had a value
   * not known here.
   */
  public Optional<Map<String, Long>> read(Row observed, int from) {
    long rows = observed.getLong(from);
    Map<String, Long> counts = new LinkedHashMap<>();
    long counted = 0;
    for (int i = 0; i < values.size() + 1; i++) {
      long n = observed.getLong(from + 1 + i);
      counted += n;
      if (n > 0) {
        counts.put(i == 0 ? null : values.get(i - 1), n);
      }
    }
    return counted == rows ? Optional.of(counts) : Optional.empty();
  }
}
