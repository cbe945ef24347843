package io.cryptolake.silver.adapters;

import static org.apache.spark.sql.functions.regexp_replace;

import io.cryptolake.silver.AsciiCase;
import org.apache.spark.sql.Column;

/** The unified symbol form every exchange shares: upper case, letters and digits only. */
final class Symbols {
  private Symbols() {}

  static Column normalised(Column symbol) {
    return AsciiCase.upper(regexp_replace(symbol, "[^A-Za-z0-9]", ""));
  }
}
