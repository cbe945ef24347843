package io.cryptolake.producers;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine;

/** Accepts ISO-8601 (PT90S) and the short forms 90s, 10m, 2h. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    String v = value.trim().toUpperCase(Locale.ROOT);
    return Duration.parse(v.startsWith("P") ? v : "PT" + v);
  }
}
