package io.cryptolake.lake;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Small helpers for queries over lake tables: a time range, and SQL over a Dataset (the statements Spark has
 * only in SQL, MERGE, get the rows as a temporary view).
 */
public final class LakeSql {
  private LakeSql() {}

  /** The rows whose {@code column} (a timestamp) is in [from, to); an open end when null. */
  public static Dataset<Row> within(Dataset<Row> rows, String column, Instant from, Instant to) {
    Dataset<Row> result = rows;
    if (from != null) {
      result = result.where(col(column).geq(lit(Timestamp.from(from))));
    }
    if (to != null) {
      result = result.where(col(column).lt(lit(Timestamp.from(to))));
    }
    return result;
  }

  /**
   * Runs the statement {@code sql} builds from the name of a temporary view of {@code rows}; the view is
   * dropped afterwards, also when the statement fails.
   */
  public static void withView(Dataset<Row> rows, String prefix, Function<String, String> sql) {
    String view = prefix + "_" + UUID.randomUUID().toString().replace("-", "");
    rows.createOrReplaceTempView(view);
    try {
      rows.sparkSession().sql(sql.apply(view));
    } finally {
      rows.sparkSession().catalog().dropTempView(view);
    }
  }
}
