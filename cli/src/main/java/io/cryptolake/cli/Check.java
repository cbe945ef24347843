package io.cryptolake.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Collection;
import java.util.List;

/**
 * Checks of option values that picocli's types cannot express. Each failure is a {@link ConfigError} whose
 * one line names the option, the value and what is expected.
 */
public final class Check {
  private Check() {}

  public static void positive(String option, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw error(option, value, "a number above 0");
    }
  }

  public static void notNegative(String option, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw error(option, value, "0 or more");
    }
  }

  public static void fraction(String option, double value) {
    if (!(value >= 0 && value <= 1)) {
      throw error(option, value, "a share between 0 and 1");
    }
  }

  public static void positive(String option, Duration value) {
    if (value != null && (value.isZero() || value.isNegative())) {
      throw new ConfigError(option + ": " + DurationConverter.format(value) + " is not allowed; expected a "
          + "duration above 0, like 5s");
    }
  }

  /** Both bounds given: the first must come before the second (equal is allowed only when {@code sameOk}). */
  public static <T extends Comparable<? super T>> void ordered(String fromOption, T from, String toOption, T to,
      boolean sameOk) {
    if (from != null && to != null && (sameOk ? from.compareTo(to) > 0 : from.compareTo(to) >= 0)) {
      throw new ConfigError(fromOption + " " + from + " is not before " + toOption + " " + to
          + "; expected " + fromOption + " earlier than " + toOption);
    }
  }

  /** Every value given must be one of {@code known} (compared case-insensitively). */
  public static void known(String option, Collection<String> given, Collection<String> known) {
    if (given == null) {
      return;
    }
    List<String> lower = known.stream().map(String::toLowerCase).toList();
    for (String value : given) {
      if (!lower.contains(value.trim().toLowerCase())) {
        throw new ConfigError(option + ": unknown value '" + value + "'; expected one of " + known);
      }
    }
  }

  /**
   * A local directory (a path or a file: URI) the command will write into must exist or be creatable, and
   * be writable. Remote locations (s3a://...) are checked when first used: that is a server's answer.
   */
  public static void writableDirectory(String option, String location) {
    Path path = localPath(location);
    if (path == null) {
      return;
    }
    Path existing = path.toAbsolutePath();
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing) || !canCreateIn(existing)) {
      throw new ConfigError(option + ": cannot write to '" + location + "'"
          + (existing != null && !Files.isDirectory(existing) ? " (" + existing + " is a file)" : "")
          + "; expected a writable directory");
    }
  }

  /** A directory the command reads from must exist. */
  public static void existingDirectory(String option, Path path) {
    if (path != null && !Files.isDirectory(path)) {
      throw new ConfigError(option + ": '" + path + "' is not a directory; expected an existing directory");
    }
  }

  private static Path localPath(String location) {
    if (location == null || location.isBlank()) {
      return null;
    }
    if (location.startsWith("file:")) {
      return Paths.get(URI.create(location));
    }
    return location.contains("://") ? null : Paths.get(location);
  }

  /** Files.isWritable trusts permission bits; /proc and read-only mounts only show themselves on a write. */
  private static boolean canCreateIn(Path dir) {
    try {
      Files.delete(Files.createTempFile(dir, ".cryptolake-write-check", ""));
      return true;
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }

  private static ConfigError error(String option, double value, String expected) {
    String shown = value == Math.rint(value) && !Double.isInfinite(value) ? String.valueOf((long) value)
        : String.valueOf(value);
    return new ConfigError(option + ": " + shown + " is not allowed; expected " + expected);
  }
}
