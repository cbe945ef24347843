package io.cryptolake.streaming;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;

/**
 * The fair scheduler's pools of a job's application. Every streaming query runs in a pool whose minimum share
 * ({@link #QUERY_MIN_SHARE}) is more task slots than an application has, so its tasks run first whenever it has
 * some waiting; work that can wait (gold's gap check) runs in {@link #BACKGROUND}, without one, on whatever the
 * queries leave. Spark serves the pools under their minimum share before the others (the one running the fewest
 * tasks first, as it does among the rest) and breaks ties by name. With pools made on the fly (no minimum share),
 * a gap check in the {@code default} pool went before gold's trades on gold's one executor core and held them
 * back for 40-100 s every 5 minutes (docs/benchmarks.md, round 15); with a minimum share of one task, a query
 * running one task was no longer under it, and the gap check, running none, took the next free slot before the
 * query's other tasks: a slot of two for the check's whole run (round 43).
 */
public final class SchedulerPools {
  /** The local property that names the pool of the jobs a thread submits (inherited by threads it starts). */
  public static final String PROPERTY = "spark.scheduler.pool";
  public static final String BACKGROUND = "background";
  /** A query's pool stays under its minimum share however many tasks it runs: always before the background. */
  static final int QUERY_MIN_SHARE = 10_000;

  private SchedulerPools() {}

  /** Spark settings for an application whose streaming queries run in {@code queryPools}. */
  public static Map<String, String> settings(Collection<String> queryPools) {
    return Map.of("spark.scheduler.mode", "FAIR", "spark.scheduler.allocation.file",
        allocationFile(queryPools).toUri().toString());
  }

  /** The work this thread submits from now on waits for the queries' tasks. */
  public static void runInBackground(org.apache.spark.SparkContext context) {
    context.setLocalProperty(PROPERTY, BACKGROUND);
  }

  static String allocations(Collection<String> queryPools) {
    StringBuilder xml = new StringBuilder("<?xml version=\"1.0\"?>\n<allocations>\n");
    queryPools.stream().distinct().forEach(name -> xml.append(pool(name, QUERY_MIN_SHARE)));
    xml.append(pool(BACKGROUND, 0));
    return xml.append("</allocations>\n").toString();
  }

  private static String pool(String name, int minShare) {
    return "  <pool name=\"" + name + "\"><schedulingMode>FIFO</schedulingMode><weight>1</weight><minShare>"
        + minShare + "</minShare></pool>\n";
  }

  /** Written where the driver runs (a worker's directory in cluster deploy mode), for its SparkContext to read. */
  private static Path allocationFile(Collection<String> queryPools) {
    try {
      Path file = Files.createTempFile("cryptolake-scheduler-pools", ".xml");
      file.toFile().deleteOnExit();
      return Files.writeString(file, allocations(queryPools), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the fair scheduler's pools", e);
    }
  }
}
