package io.cryptolake.lake;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Spark SQL on the lake, statement by statement: each ends with {@code ;} (the last one may omit it) and its
 * result is printed as a table. The session's current namespace is the lake's, so {@code SELECT * FROM
 * gold_crypto_trades} works; Iceberg's metadata tables ({@code gold_crypto_trades.snapshots}) and procedures
 * ({@code CALL iceberg.system.expire_snapshots(...)}) too.
 */
public final class SqlConsole {
  private final SparkSession spark;
  private final int maxRows;
  private final PrintStream out;

  public SqlConsole(SparkSession spark, LakeConfig lake, int maxRows, PrintStream out) {
    this.spark = spark;
    this.maxRows = maxRows;
    this.out = out;
    spark.sql("USE " + lake.catalogName() + "." + lake.namespace());
  }

  /** Runs every statement of {@code text} (the last may lack its semicolon); stops at the first that fails. */
  public boolean runAll(String text, PrintStream err) {
    Split split = split(text);
    List<String> statements = new ArrayList<>(split.complete());
    if (!split.rest().isBlank()) {
      statements.add(split.rest().trim());
    }
    for (String statement : statements) {
      if (!run(statement, err)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads statements from {@code in} until it ends, prompting when {@code prompt}; a failing statement is
   * reported and the next one read. True when every statement succeeded.
   */
  public boolean interactive(BufferedReader in, boolean prompt, PrintStream err) throws IOException {
    boolean allOk = true;
    String pending = "";
    if (prompt) {
      out.print("sql> ");
    }
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      Split split = split(pending + line + "\n");
      for (String statement : split.complete()) {
        allOk &= run(statement, err);
      }
      pending = split.rest();
      if (prompt) {
        out.print(pending.isBlank() ? "sql> " : "  -> ");
      }
    }
    if (!pending.isBlank()) {
      allOk &= run(pending.trim(), err);
    }
    return allOk;
  }

  private boolean run(String statement, PrintStream err) {
    try {
      Dataset<Row> result = spark.sql(statement);
      if (result.columns().length > 0) {
        List<Row> rows = result.limit(maxRows + 1).collectAsList();
        print(result.columns(), rows.subList(0, Math.min(rows.size(), maxRows)));
        if (rows.size() > maxRows) {
          out.printf("(the first %d rows; --max-rows shows more)%n", maxRows);
        }
      }
      return true;
    } catch (Exception e) {
      // Exception: Spark's AnalysisException is a checked one, thrown undeclared from Scala.
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      err.println("error: " + message.lines().findFirst().orElse(message));
      return false;
    }
  }

  private void print(String[] columns, List<Row> rows) {
    int[] width = new int[columns.length];
    List<String[]> cells = new ArrayList<>();
    for (int c = 0; c < columns.length; c++) {
      width[c] = columns[c].length();
    }
    for (Row row : rows) {
      String[] line = new String[columns.length];
      for (int c = 0; c < columns.length; c++) {
        Object value = row.get(c);
        String text = value == null ? "NULL" : value.toString();
        line[c] = text.length() > 80 ? text.substring(0, 77) + "..." : text;
        width[c] = Math.max(width[c], line[c].length());
      }
      cells.add(line);
    }
    out.println(line(columns, width));
    StringBuilder rule = new StringBuilder();
    for (int w : width) {
      rule.append(rule.length() == 0 ? "" : "  ").append("-".repeat(w));
    }
    out.println(rule);
    cells.forEach(c -> out.println(line(c, width)));
    out.printf("(%d row%s)%n", rows.size(), rows.size() == 1 ? "" : "s");
  }

  private static String line(String[] cells, int[] width) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      line.append(c == 0 ? "" : "  ").append(String.format("%-" + width[c] + "s", cells[c]));
    }
    return line.toString().stripTrailing();
  }

  /** Statements ended by a semicolon outside quotes, and the text after the last one. */
  record Split(List<String> complete, String rest) {}

  static Split split(String text) {
    List<String> complete = new ArrayList<>();
    int start = 0;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        quote = c == quote ? 0 : quote;
      } else if (c == '\'' || c == '"' || c == '`') {
        quote = c;
      } else if (c == ';') {
        String statement = text.substring(start, i).trim();
        if (!statement.isEmpty()) {
          complete.add(statement);
        }
        start = i + 1;
      }
    }
    return new Split(complete, text.substring(start));
  }
}
