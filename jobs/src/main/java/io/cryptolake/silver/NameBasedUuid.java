package io.cryptolake.silver;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.md5;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.translate;

import org.apache.spark.sql.Column;

/**
 * A name-based (version 3, MD5) UUID as a column expression: the same value as Java's
 * {@code UUID.nameUUIDFromBytes(name.getBytes(UTF_8))}, so a trade that arrives twice gets the same id, and
 * any tool can recompute it. NULL when the name is NULL.
 */
public final class NameBasedUuid {
  private static final String HEX_DIGITS = "0123456789abcdef";
  private static final String VARIANT_DIGITS = "89ab89ab89ab89ab";

  private NameBasedUuid() {}

  public static Column of(Column name) {
    Column hex = md5(name.cast("binary"));
    // Version nibble 3; variant bits 10xx on the first nibble of the fourth group: (digit & 3) | 8 for each of
    // md5's lower-case hex digits, as a lookup rather than two base conversions (less generated code per row).
    Column variant = translate(substring(hex, 17, 1), HEX_DIGITS, VARIANT_DIGITS);
    return concat(substring(hex, 1, 8), lit("-"), substring(hex, 9, 4), lit("-3"), substring(hex, 14, 3),
        lit("-"), variant, substring(hex, 18, 3), lit("-"), substring(hex, 21, 12));
  }
}
