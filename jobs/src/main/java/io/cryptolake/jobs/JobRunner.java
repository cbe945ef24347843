package io.cryptolake.jobs;

import io.cryptolake.streaming.GracefulShutdown;
import java.time.Duration;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** What every entry point does around its job: parse the command line, run, wait, exit with a status. */
final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  private static final Duration BATCH_GRACE = Duration.ofSeconds(60);

  private JobRunner() {}

  static void exit(Object command, String[] args) {
    int status = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(status);
  }

  /** Waits until the query ends: 0 after a stop (SIGTERM included), 1 when it failed. */
  static int awaitStreaming(SparkSession spark, StreamingQuery query) {
    GracefulShutdown.install(spark, BATCH_GRACE);
    LOG.info("{} running (id {}); SIGTERM stops it after the current batch", query.name(), query.id());
    try {
      query.awaitTermination();
      return 0;
    } catch (Exception e) {
      LOG.error("{} failed", query.name(), e);
      return 1;
    }
  }
}
