package io.cryptolake.jobs;

import io.cryptolake.streaming.GracefulShutdown;
import io.cryptolake.streaming.QuerySupervisor;
import java.time.Duration;
import java.util.function.Supplier;
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

  /**
   * Runs the query under a supervisor (a failed query restarts from its checkpoint) until SIGTERM, which
   * lets the current batch finish. 0 after a stop, 1 when the query kept failing.
   */
  static int superviseStreaming(String name, SparkSession spark, Supplier<StreamingQuery> start) {
    QuerySupervisor supervisor = new QuerySupervisor(start, QuerySupervisor.RestartPolicy.defaults());
    GracefulShutdown.install(spark, BATCH_GRACE, supervisor::stop);
    LOG.info("{} starting; SIGTERM stops it after the current batch", name);
    return supervisor.run();
  }
}
