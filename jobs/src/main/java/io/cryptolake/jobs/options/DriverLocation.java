package io.cryptolake.jobs.options;

import io.cryptolake.cli.ConfigError;
import java.nio.file.Paths;

/**
 * Where the driver runs. In cluster deploy mode it starts in a new directory on whichever worker the cluster
 * manager picks, and again elsewhere after a restart: a relative local path there names a new, empty place
 * each time (a catalog of its own, a checkpoint that forgets), so such a setting stops the job at start.
 */
final class DriverLocation {
  private DriverLocation() {}

  /** Spark sets this in the driver's JVM; "cluster" when the cluster manager started the driver. */
  static boolean inCluster() {
    return "cluster".equals(System.getProperty("spark.submit.deployMode"));
  }

  /** Refuses a relative local path in cluster deploy mode; a URL or an absolute path is the operator's to share. */
  static void requireNotRelative(String option, String path) {
    if (inCluster() && path != null && !path.contains("://") && !path.startsWith("file:")
        && !path.startsWith(":memory:") && !Paths.get(path).isAbsolute()) {
      throw new ConfigError(option + ": '" + path + "' is relative to the driver's working directory, which in "
          + "cluster deploy mode is a new directory on whichever worker runs it; expected a location every node "
          + "reaches (s3a://..., a catalog server) or an absolute path on storage they share");
    }
  }
}
