package io.cryptolake.lake;

import java.util.UUID;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** SQL over a Dataset: the statements Spark has only in SQL (MERGE) get the rows as a temporary view. */
public final class LakeSql {
  private LakeSql() {}

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
