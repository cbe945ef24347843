package io.cryptolake.silver;

import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.conv;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.md5;
import static org.apache.spark.sql.functions.substring;

import org.apache.spark.sql.Column;

/**
 * A name-based (version 3, MD5) UUID as a column expression: the same value as Java's
 * {@code UUID.nameUUIDFromBytes(name.getBytes(UTF_8))}, so a trade that arrives twice gets the same id, and
 * any tool can recompute it. NULL when the name is NULL.
 */
public final class NameBasedUuid {
  private NameBasedUuid() {}

  public static Column of(Column name) {
    Column hex = md5(name.cast("binary"));
    // Version nibble 3; variant bits 10xx on the first nibble of the fourth group.
    Column variant = AsciiCase.lower(conv(conv(substring(hex, 17, 1), 16, 10).cast("int").bitwiseAND(3).bitwiseOR(8)
        .cast("string"), 10, 16));
    return concat(substring(hex, 1, 8), lit("-"), substring(hex, 9, 4), lit("-3"), substring(hex, 14, 3),
        lit("-"), variant, substring(hex, 18, 3), lit("-"), substring(hex, 21, 12));
  }
}
