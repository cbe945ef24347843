package io.cryptolake.validation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.instr;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.ltrim;
import static org.apache.spark.sql.functions.rtrim;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Exact conversion of an exchange's decimal text to decimal(38,18), as column expressions. Text is numeric
 * when it is a plain decimal (optional sign, digits, optional fraction: what Binance and Kraken send);
 * exponents, NaN, Infinity, commas and blanks are not. A numeric text fits when it has at most 20 integer
 * digits and 18 significant decimals, so the conversion never rounds and never overflows.
 */
public final class Decimals {
  public static final int PRECISION = 38;
  public static final int SCALE = 18;
  public static final DataType TYPE = DataTypes.createDecimalType(PRECISION, SCALE);

  static final String PLAIN_DECIMAL = "^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$";

  private Decimals() {}

  /** TRUE when the text is a plain decimal number, FALSE otherwise (never NULL). */
  public static Column isNumeric(Column text) {
    return coalesce(text.rlike(PLAIN_DECIMAL), lit(false));
  }

  /**
   * For numeric text: TRUE when it converts to decimal(38,18) without overflow or rounding: at most 20 digits
   * before the point once the sign and leading zeros are trimmed, at most 18 after it once trailing zeros are.
   * Trims and splits rather than the two regexes this used to be: a JFR profile of silver alone found 10% of its
   * executor samples in java.util.regex, half of them these two; silver alone is no slower (docs/benchmarks.md,
   * round 11). Spark logs once per JVM that two-argument LTRIM/RTRIM are deprecated SQL signatures.
   */
  public static Column fits(Column text) {
    Column integerDigits = length(ltrim(substring_index(text, ".", 1), "+-0"));
    Column decimals = when(instr(text, ".").gt(0), substring_index(text, ".", -1)).otherwise(lit(""));
    Column significantDecimals = length(rtrim(decimals, "0"));
    return integerDigits.leq(PRECISION - SCALE).and(significantDecimals.leq(SCALE));
  }

  /** The exact decimal value, or NULL when the text is not numeric or does not fit. */
  public static Column exact(Column text) {
    return when(isNumeric(text).and(fits(text)), text.cast(TYPE));
  }
}
