package io.cryptolake.streaming;

import io.cryptolake.cli.ConfigError;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.RESTException;
import org.apache.iceberg.exceptions.ServiceUnavailableException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.spark.sql.AnalysisException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Which failures of a query a restart can cure. Transient: a server that did not answer, a commit that lost
 * a race; the supervisor retries those. Permanent: the query cannot be planned as configured (a missing or
 * changed table, an option Spark rejects at start, a class missing from the jar, a mistake found in a batch such
 * as two jobs writing one table); restarting would fail the same way
 * for as long as the backoff lasts, so the job stops at once. Anything else is retried, as it may be either.
 */
public final class Failures {
  private Failures() {}

  public static boolean isTransient(Throwable failure) {
    for (Throwable t : chain(failure)) {
      if (t instanceof IOException || t instanceof TimeoutException || t instanceof RetriableException
          || t instanceof org.apache.kafka.common.errors.TimeoutException || t instanceof CommitFailedException
          || t instanceof CommitStateUnknownException || t instanceof ServiceUnavailableException
          || t instanceof RESTException || t instanceof SdkClientException
          || t instanceof java.io.UncheckedIOException) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code atStart}: the failure came from starting the query, not from a batch; an invalid argument there is
   * the configuration's, while in a batch it may be a row's or a server's answer.
   */
  public static boolean isPermanent(Throwable failure, boolean atStart) {
    if (isTransient(failure)) {
      return false;
    }
    for (Throwable t : chain(failure)) {
      if (t instanceof AnalysisException || t instanceof LinkageError || t instanceof ClassNotFoundException
          || t instanceof ConfigError || atStart && t instanceof IllegalArgumentException) {
        return true;
      }
    }
    return false;
  }

  /** The innermost cause's class and message: what went wrong, without the stack. */
  public static String rootMessage(Throwable failure) {
    Throwable root = failure;
    for (Throwable t : chain(failure)) {
      root = t;
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }

  private static Iterable<Throwable> chain(Throwable failure) {
    java.util.List<Throwable> chain = new java.util.ArrayList<>();
    for (Throwable t = failure; t != null && !chain.contains(t) && chain.size() < 50; t = t.getCause()) {
      chain.add(t);
    }
    return chain;
  }
}
