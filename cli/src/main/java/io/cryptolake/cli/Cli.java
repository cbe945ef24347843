package io.cryptolake.cli;

import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;

/**
 * Runs a command line the way every command of the project does: enum values in any case, durations in one
 * syntax, and a mistake reported in one line on stderr ({@code <command>: <what is wrong>}) with exit status 2;
 * a server that does not answer in one line with status 1. Other failures keep their stack trace (status 1).
 */
public final class Cli {
  public static final int USAGE = 2;
  public static final int FAILED = 1;

  private Cli() {}

  public static CommandLine commandLine(Object command) {
    CommandLine line = new CommandLine(command);
    line.setCaseInsensitiveEnumValuesAllowed(true);
    line.registerConverter(Duration.class, new DurationConverter());
    line.setParameterExceptionHandler((e, args) -> {
      oneLine(e.getCommandLine(), e.getMessage() + " (--help lists the options)");
      return USAGE;
    });
    line.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
        if (t instanceof ConfigError) {
          oneLine(commandLine, t.getMessage());
          return USAGE;
        }
        if (t instanceof ServerUnreachable) {
          oneLine(commandLine, t.getMessage());
          return FAILED;
        }
      }
      throw e;
    });
    return line;
  }

  /** Parses, runs and returns the exit status. */
  public static int run(Object command, String... args) {
    return commandLine(command).execute(args);
  }

  /** Parses, runs and exits the JVM with the status. */
  public static void exit(Object command, String... args) {
    System.exit(run(command, args));
  }

  private static void oneLine(CommandLine line, String message) {
    PrintWriter err = line.getErr();
    err.println(line.getCommandName() + ": " + message);
    err.flush();
  }
}
