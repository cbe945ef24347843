package io.cryptolake.gaps;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * Per (exchange, symbol), the lowest and highest trade id a check is about: the recorded gaps it has to look at
 * are those overlapping their symbol's range. control_sequence_gaps keeps every gap ever found, so reading all of
 * it costs a check more every month (its MERGE alone about 6 s more per million recorded gaps, measured:
 * docs/benchmarks.md, round 44); a symbol's new gaps and late trades are near its newest ids. A file of the table
 * holds every symbol, so this filters rows, not files.
 *
 * <p>Above {@link #MAX_CLAUSES} symbols the condition is one range over all of them: Spark generates the code of
 * a long OR chain recursively, and about a thousand clauses ran a driver out of heap (docs/reliability.md).
 */
record IdRanges(List<IdRange> ranges) {
  static final int MAX_CLAUSES = 48;

  /** Ids [low, high] of one symbol. */
  record IdRange(String exchange, String symbol, long low, long high) {}

  /** Per (exchange, symbol) of {@code rows}: its lowest {@code lowColumn} to its highest {@code highColumn}. */
  static IdRanges of(List<Row> rows, String lowColumn, String highColumn) {
    Map<List<String>, IdRange> bySymbol = new LinkedHashMap<>();
    for (Row row : rows) {
      String exchange = row.getAs("exchange");
      String symbol = row.getAs("symbol");
      long low = row.<Long>getAs(lowColumn);
      long high = row.<Long>getAs(highColumn);
      bySymbol.merge(List.of(exchange, symbol), new IdRange(exchange, symbol, low, high), (a, b) -> new IdRange(
          exchange, symbol, Math.min(a.low(), b.low()), Math.max(a.high(), b.high())));
    }
    return new IdRanges(List.copyOf(bySymbol.values()));
  }

  /** Gaps ({@code gap_start}, {@code gap_end}) overlapping their symbol's range; none when there are no ranges. */
  Column overlapping() {
    if (ranges.size() > MAX_CLAUSES) {
      return col("gap_end").geq(lowest()).and(col("gap_start").leq(highest()));
    }
    Column any = lit(false);
    for (IdRange r : ranges) {
      any = any.or(col("exchange").equalTo(r.exchange()).and(col("symbol").equalTo(r.symbol()))
          .and(col("gap_end").geq(r.low())).and(col("gap_start").leq(r.high())));
    }
    return any;
  }

  /** {@link #overlapping()} as SQL over the columns of {@code alias}, for a statement only SQL has (MERGE). */
  String overlappingSql(String alias) {
    if (ranges.isEmpty()) {
      return "false";
    }
    if (ranges.size() > MAX_CLAUSES) {
      return String.format("(%1$s.gap_end >= %2$d AND %1$s.gap_start <= %3$d)", alias, lowest(), highest());
    }
    StringBuilder sql = new StringBuilder("(");
    for (IdRange r : ranges) {
      if (sql.length() > 1) {
        sql.append(" OR ");
      }
      sql.append(String.format("(%1$s.exchange = %2$s AND %1$s.symbol = %3$s AND %1$s.gap_end >= %4$d "
          + "AND %1$s.gap_start <= %5$d)", alias, stringLiteral(r.exchange()), stringLiteral(r.symbol()), r.low(),
          r.high()));
    }
    return sql.append(')').toString();
  }

  private long lowest() {
    return ranges.stream().mapToLong(IdRange::low).min().orElseThrow();
  }

  private long highest() {
    return ranges.stream().mapToLong(IdRange::high).max().orElseThrow();
  }

  /** A Spark SQL string literal of {@code value}: quotes and backslashes escaped. */
  static String stringLiteral(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
