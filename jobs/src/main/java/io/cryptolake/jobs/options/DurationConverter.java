package io.cryptolake.jobs.options;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Durations as ISO-8601 (PT5S, P365D) or short forms: 500ms, 5s, 10m, 2h, 365d. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.startsWith("p")) {
      return Duration.parse(v.toUpperCase(Locale.ROOT));
    }
    if (v.endsWith("ms")) {
      return Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2).trim()));
    }
    long amount = Long.parseLong(v.substring(0, v.length() - 1).trim());
    return switch (v.charAt(v.length() - 1)) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      case 'd' -> Duration.ofDays(amount);
      default -> throw new CommandLine.TypeConversionException("not a duration: '" + value
          + "' (use e.g. 500ms, 5s, 10m, 2h, 365d or ISO-8601 like PT5S)");
    };
  }
}
