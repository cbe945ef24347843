package io.cryptolake.cli;

/** A server a command needs does not answer. {@link Cli} prints the message as one line and exits 1. */
public final class ServerUnreachable extends RuntimeException {
  public ServerUnreachable(String message) {
    super(message);
  }
}
