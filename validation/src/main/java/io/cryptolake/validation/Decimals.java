package io.cryptolake.validation;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.left;
import static org.apache.spark.sql.functions.locate;
import static org.apache.spark.sql.functions.substr;
import static org.apache.spark.sql.functions.substring_index;
import static org.apache.spark.sql.functions.translate;
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
   * For numeric text: TRUE when it converts to decimal(38,18) without overflow or rounding: whatever precedes the
   * last 20 integer digits, and whatever follows the 18th decimal, is zeros. String functions rather than regexes
   * (a silver profile had the two regexes at 8% of its CPU).
   */
  public static Column fits(Column text) {
    Column unsigned = translate(text, "+-", "");
    Column integer = substring_index(unsigned, ".", 1);
    Column decimals = when(locate(".", unsigned).gt(0), substring_index(unsigned, ".", -1)).otherwise(lit(""));
    Column beyondIntegerDigits = left(integer, length(integer).minus(PRECISION - SCALE));
    Column beyondScale = substr(decimals, lit(SCALE + 1));
    return allZeros(beyondIntegerDigits).and(allZeros(beyondScale));
  }

  private static Column allZeros(Column digits) {
    return length(translate(digits, "0", "")).equalTo(0);
  }

  /** The exact decimal value, or NULL when the text is not numeric or does not fit. */
  public static Column exact(Column text) {
    return when(isNumeric(text).and(fits(text)), text.cast(TYPE));
  }
}
