package io.cryptolake.metrics;

import java.net.URISyntaxException;
import java.net.URL;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * The product's logging configuration where no file can be named: a driver that the cluster runs in a
 * directory of its own (cluster deploy mode) and every executor, whose JVMs start on hosts where the
 * submitting host's spark-submit/log4j2.properties does not exist. spark-submit/submit.sh asks for it with
 * {@code -Dcryptolake.log4j2=bundled}; the jobs jar carries a copy of that same file, made by the build.
 */
public final class JobLogging {
  /** The system property that asks for the bundled configuration. */
  public static final String PROPERTY = "cryptolake.log4j2";
  private static final String BUNDLED = "/cryptolake/log4j2.properties";
  private static boolean applied;

  private JobLogging() {}

  /** Switches Log4j to the bundled configuration when this JVM was started with {@code -Dcryptolake.log4j2=bundled}. */
  public static synchronized void applyIfAsked() {
    // Once per JVM: the executor plugin and the session both ask (in local mode, in the same JVM).
    if (applied || !"bundled".equals(System.getProperty(PROPERTY))) {
      return;
    }
    URL config = JobLogging.class.getResource(BUNDLED);
    if (config == null) {
      throw new IllegalStateException("the jobs jar lacks " + BUNDLED + ": rebuild it with 'make build'");
    }
    try {
      Configurator.reconfigure(config.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(config.toString(), e);
    }
    applied = true;
  }
}
