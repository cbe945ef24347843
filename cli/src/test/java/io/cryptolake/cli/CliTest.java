package io.cryptolake.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class CliTest {
  @Command(name = "example")
  static final class Example implements Callable<Integer> {
    @Option(names = "--every", defaultValue = "2s") Duration every;
    @Option(names = "--rate", defaultValue = "1") double rate;
    @Option(names = "--port", defaultValue = "1") int port;

    @Override
    public Integer call() {
      Check.positive("--rate", rate);
      Server.kafka("127.0.0.1:" + port).require("--bootstrap-servers");
      return 0;
    }
  }

  record Outcome(int status, String err) {}

  private static Outcome run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine line = Cli.commandLine(new Example());
    line.setErr(new PrintWriter(err));
    return new Outcome(line.execute(args), err.toString());
  }

  @Test
  void oneDurationSyntaxEverywhere() {
    assertEquals(Duration.ofMillis(500), DurationConverter.parse("500ms"));
    assertEquals(Duration.ofSeconds(5), DurationConverter.parse("5s"));
    assertEquals(Duration.ofSeconds(5), DurationConverter.parse(" 5 S "));
    assertEquals(Duration.ofMinutes(10), DurationConverter.parse("10m"));
    assertEquals(Duration.ofHours(2), DurationConverter.parse("2h"));
    assertEquals(Duration.ofDays(365), DurationConverter.parse("365d"));
    assertEquals(Duration.ofSeconds(5), DurationConverter.parse("PT5S"));
    assertEquals(Duration.ofDays(1), DurationConverter.parse("p1d"));
    for (String bad : List.of("banana", "", " ", "5", "-5s", "5 seconds", "2 s s", "PT-5S", "5x", "s",
        "99999999999999999s")) {
      assertThrows(CommandLine.TypeConversionException.class, () -> DurationConverter.parse(bad), bad);
    }
    assertEquals("2s", DurationConverter.format(Duration.ofSeconds(2)));
    assertEquals("500ms", DurationConverter.format(Duration.ofMillis(500)));
    assertEquals("5m", DurationConverter.format(Duration.ofMinutes(5)));
    assertEquals("0s", DurationConverter.format(Duration.ZERO));
  }

  @Test
  void aMistakeIsOneLineNamingTheOptionTheValueAndWhatIsExpectedWithStatusTwo() {
    Outcome badDuration = run("--every", "banana");
    assertEquals(2, badDuration.status());
    assertOneLine(badDuration.err(), "example: ", "--every", "'banana'", "5s");

    Outcome empty = run("--every", "");
    assertEquals(2, empty.status());
    assertOneLine(empty.err(), "--every", "''");

    Outcome negative = run("--rate", "-5");
    assertEquals(2, negative.status());
    assertOneLine(negative.err(), "example: --rate: -5 is not allowed; expected a number above 0");

    Outcome unknown = run("--nope");
    assertEquals(2, unknown.status());
    assertOneLine(unknown.err(), "--nope");
  }

  @Test
  void aServerThatDoesNotAnswerIsNamedInOneLineWithStatusOne() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Outcome down = run("--port", String.valueOf(closed));
    assertEquals(1, down.status());
    assertOneLine(down.err(), "example: Kafka at 127.0.0.1:" + closed + " does not answer", "--bootstrap-servers");

    try (ServerSocket socket = new ServerSocket(0)) {
      assertTrue(Server.kafka("127.0.0.1:" + closed + ",127.0.0.1:" + socket.getLocalPort()).answers(),
          "one broker of the list answering is enough");
      assertEquals(0, run("--port", String.valueOf(socket.getLocalPort())).status());
    }
    assertFalse(Server.http("the S3 API", "--s3-endpoint", "http://127.0.0.1:" + closed).answers());
    assertThrows(ConfigError.class, () -> Server.kafka("no-port"));
    assertThrows(ConfigError.class, () -> Server.http("the S3 API", "--s3-endpoint", "minio:9000"));
  }

  @Test
  void aCatalogDatabaseIsAServerByItsJdbcUrlAndTheUrlsQueryStaysOutOfItsName() {
    Server postgres = Server.jdbc("the catalog database", "--catalog-uri",
        "jdbc:postgresql://db.internal/iceberg?user=lake&password=secret").orElseThrow();
    assertEquals("the catalog database at jdbc:postgresql://db.internal:5432/iceberg", postgres.toString());
    assertEquals(List.of(InetSocketAddress.createUnresolved("db.internal", 5432)), postgres.endpoints());
    assertEquals(6543, Server.jdbc("db", "--catalog-uri", "jdbc:postgresql://127.0.0.1:6543/iceberg").orElseThrow()
        .endpoints().get(0).getPort());
    assertTrue(Server.jdbc("db", "--catalog-uri", "jdbc:sqlite:/tmp/catalog.db").isEmpty(), "an embedded database");
    assertThrows(ConfigError.class, () -> Server.jdbc("db", "--catalog-uri", "jdbc:oracle://db.internal/lake"));
    assertThrows(ConfigError.class, () -> Server.jdbc("db", "--catalog-uri", "jdbc:postgresql:///iceberg"));
  }

  @Test
  void checksOfValues(@TempDir Path dir) throws Exception {
    Check.fraction("--fault-rate", 0);
    Check.fraction("--fault-rate", 1);
    assertEquals("--fault-rate: 2 is not allowed; expected a share between 0 and 1",
        assertThrows(ConfigError.class, () -> Check.fraction("--fault-rate", 2)).getMessage());
    assertThrows(ConfigError.class, () -> Check.fraction("--fault-rate", Double.NaN));
    assertThrows(ConfigError.class, () -> Check.notNegative("--count", -5));
    assertThrows(ConfigError.class, () -> Check.positive("--every", Duration.ZERO));
    assertEquals("--from 2026-11-21 is not before --to 2026-11-20; expected --from earlier than --to",
        assertThrows(ConfigError.class, () -> Check.ordered("--from", java.time.LocalDate.parse("2026-11-21"),
            "--to", java.time.LocalDate.parse("2026-11-20"), true)).getMessage());
    Check.ordered("--from", 1, "--to", 1, true);
    assertThrows(ConfigError.class, () -> Check.ordered("--from", 1, "--to", 1, false));
    assertThrows(ConfigError.class, () -> Check.known("--reasons", List.of("no_such_reason"), List.of("a", "b")));
    Check.known("--reasons", List.of("A"), List.of("a", "b"));

    Check.writableDirectory("--warehouse", dir.resolve("not/yet/there").toString());
    Check.writableDirectory("--warehouse", dir.toUri().toString());
    Check.writableDirectory("--warehouse", "s3a://bucket/warehouse");
    Path file = Files.writeString(dir.resolve("a-file"), "x");
    assertThrows(ConfigError.class, () -> Check.writableDirectory("--warehouse", file.resolve("below").toString()));
    assertEquals("--warehouse: cannot write to '/proc/nope'; expected a writable directory",
        assertThrows(ConfigError.class, () -> Check.writableDirectory("--warehouse", "/proc/nope")).getMessage());
  }

  static void assertOneLine(String err, String... parts) {
    assertEquals(1, err.lines().count(), "one line: " + err);
    for (String part : parts) {
      assertTrue(err.contains(part), "'" + part + "' in: " + err);
    }
  }
}
