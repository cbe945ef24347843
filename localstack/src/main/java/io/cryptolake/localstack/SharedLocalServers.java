package io.cryptolake.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * One set of local servers per JVM, started on first use on free ports and stopped when the JVM exits. Test
 * classes share it, so a test run pays the start-up once. Data goes under {@code cryptolake.test.dir}
 * (set by the build to the module's target/test-data) or a temporary directory.
 */
public final class SharedLocalServers {
  private static LocalServers instance;

  private SharedLocalServers() {}

  public static synchronized LocalServers get() {
    if (instance == null) {
      instance = LocalServers.start(LocalServersConfig.defaults().withDataDir(freshDataDir()).withFreePorts());
    }
    return instance;
  }

  private static Path freshDataDir() {
    try {
      String base = System.getProperty("cryptolake.test.dir");
      if (base == null) {
        return Files.createTempDirectory("cryptolake-servers");
      }
      Files.createDirectories(Paths.get(base));
      return Files.createTempDirectory(Paths.get(base), "servers-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
