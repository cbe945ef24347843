package io.cryptolake.streaming;

import java.time.Duration;

/** The jobs' retry rhythm while a server is down: waits that double from {@code initial} up to {@code max}. */
final class Backoff {
  private final Duration initial;
  private final Duration max;
  private Duration next;

  Backoff(Duration initial, Duration max) {
    this.initial = initial;
    this.max = max;
    this.next = initial;
  }

  /** The wait to take now; the one after it is twice as long, at most {@code max}. */
  Duration next() {
    Duration now = next;
    next = next.multipliedBy(2).compareTo(max) > 0 ? max : next.multipliedBy(2);
    return now;
  }

  /** After a healthy run, the next wait is the first one again. */
  void reset() {
    next = initial;
  }

  /** Sleeps for {@code wait}; an interrupt ends the wait with an exception naming {@code what}. */
  static void sleep(Duration wait, String what) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    }
  }
}
