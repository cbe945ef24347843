package io.cryptolake.proof.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the jobs' own logs say they went through: each time a job's query supervisor restarted a failed query
 * (a batch that could not reach S3, Kafka or the registry), and each time it gave up. Read from the job logs
 * (appended across restarts: bin/cluster's in client mode, the worker's in cluster mode), whose lines start
 * with the local time.
 */
public final class SupervisedRestarts {
  /** QuerySupervisor's lines: "<query> failed: <cause>; restarting from its checkpoint ..." and "... giving up". */
  private static final Pattern LINE = Pattern.compile(
      "^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}\\.\\d{3}) .*?(?: failed: (.*); restarting from its checkpoint|(giving up))");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");

  /** One restart (or the end of restarting, {@code gaveUp}) of one job's query, with the root cause. */
  public record Restart(Instant at, String job, boolean gaveUp, String cause) {}

  private SupervisedRestarts() {}

  private static String shortened(String cause) {
    return cause.length() > 140 ? cause.substring(0, 140) + "..." : cause;
  }

  /** The restarts in each job's log ({@code logs}: job to its log). */
  public static List<Restart> read(Map<String, Path> logs) {
    List<Restart> restarts = new ArrayList<>();
    for (var entry : logs.entrySet()) {
      String job = entry.getKey();
      Path log = entry.getValue();
      if (!Files.exists(log)) {
        continue;
      }
      try (var lines = Files.lines(log, StandardCharsets.UTF_8)) {
        lines.forEach(line -> {
          Matcher m = LINE.matcher(line);
          if (m.find()) {
            Instant at = LocalDateTime.parse(m.group(1), TIME).atZone(ZoneId.systemDefault()).toInstant();
            restarts.add(new Restart(at, job, m.group(3) != null, m.group(2) == null ? "" : shortened(m.group(2))));
          }
        });
      } catch (IOException | UncheckedIOException e) {
        throw new IllegalStateException("cannot read " + log, e);
      }
    }
    restarts.sort(Comparator.comparing(Restart::at));
    return restarts;
  }
}
