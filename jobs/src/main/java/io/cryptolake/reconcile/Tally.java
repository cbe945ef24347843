package io.cryptolake.reconcile;

import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/** Counting rows that meet a condition with sum(), and reading the sums back (NULL when no row: 0). */
final class Tally {
  private Tally() {}

  /** 1 for a row that meets the condition, else 0: sum() of it counts them. */
  static Column flag(Column condition) {
    return when(condition, 1L).otherwise(0L);
  }

  static long longOf(Row row, int i) {
    return row.isNullAt(i) ? 0 : row.getLong(i);
  }
}
