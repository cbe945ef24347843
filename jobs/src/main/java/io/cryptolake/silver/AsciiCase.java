package io.cryptolake.silver;

import static org.apache.spark.sql.functions.translate;

import java.util.Locale;
import org.apache.spark.sql.Column;

/**
 * Upper and lower case of ASCII letters, leaving every other character as it is. For text that is ASCII by
 * construction (hex digits, a symbol stripped to letters and digits) or compared with ASCII words, this is what
 * Spark's {@code upper}/{@code lower} would give, without their ICU case mapping, whose first use costs each
 * JVM about two seconds of both cores in the first batch.
 */
public final class AsciiCase {
  private static final String LOWER = "abcdefghijklmnopqrstuvwxyz";
  private static final String UPPER = LOWER.toUpperCase(Locale.ROOT);

  private AsciiCase() {}

  public static Column upper(Column text) {
    return translate(text, LOWER, UPPER);
  }

  public static Column lower(Column text) {
    return translate(text, UPPER, LOWER);
  }
}
