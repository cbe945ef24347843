package io.cryptolake.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test (JUnit extension auto-detection): a test that fails before stopping its
 * streaming queries would otherwise leave them running in the shared session, and every later test
 * starting a query of the same name would fail for a reason that is not its own.
 */
public final class StopActiveQueries implements AfterEachCallback {
  @Override
  public void afterEach(ExtensionContext context) {
    TestLake.stopActiveQueries();
  }
}
