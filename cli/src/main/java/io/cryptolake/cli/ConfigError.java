package io.cryptolake.cli;

/**
 * A setting that cannot work: a value out of range, a path that cannot be written, a lake without its
 * tables. {@link Cli} prints its message as one line and exits 2; nothing has started by then.
 */
public final class ConfigError extends RuntimeException {
  public ConfigError(String message) {
    super(message);
  }
}
