package io.cryptolake.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * The one duration syntax of every command and environment variable: a whole number and a unit (500ms, 5s,
 * 10m, 2h, 365d), or ISO-8601 (PT5S, P365D). Never negative.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  public static final String EXPECTED = "a duration like 500ms, 5s, 10m, 2h, 365d or ISO-8601 PT5S";
  private static final Pattern SHORT = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d)");

  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  public static Duration parse(String value) {
    String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(v);
    Duration duration;
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      duration = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    } else if (v.startsWith("p")) {
      try {
        duration = Duration.parse(v.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw invalid(value);
      }
    } else {
      throw invalid(value);
    }
    if (duration.isNegative()) {
      throw invalid(value);
    }
    return duration;
  }

  /** The short form of a duration, as the docs write it: 2s, 5m, 1h, 500ms. */
  public static String format(Duration duration) {
    long ms = duration.toMillis();
    if (ms % 86_400_000 == 0 && ms > 0) {
      return ms / 86_400_000 + "d";
    }
    if (ms % 3_600_000 == 0 && ms > 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0 && ms > 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  private static CommandLine.TypeConversionException invalid(String value) {
    return new CommandLine.TypeConversionException("'" + value + "' is not " + EXPECTED);
  }
}
