package io.cryptolake.gold;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The trade ids of one (exchange, symbol) that gold has appended and still remembers, as ranges of consecutive ids,
 * each with the newest trade time among its ids. An exchange numbers a symbol's trades consecutively, so while
 * nothing is missing the ranges are one, whatever the rate: the state grows with the gaps inside the watermark's
 * reach, not with the trades. A range leaves when the watermark has passed its newest trade time: every id in it is
 * then behind the watermark, and a row the state does not hold that is behind the watermark is LATE (checked
 * against gold itself).
 */
final class SeenIds {
  private static final int LONGS_PER_RANGE = 3;

  private long[] from;
  private long[] to;
  private long[] newest;
  private int size;

  private SeenIds(int capacity) {
    from = new long[capacity];
    to = new long[capacity];
    newest = new long[capacity];
  }

  static SeenIds none() {
    return new SeenIds(4);
  }

  /** The ranges as {@link #encoded()} wrote them. */
  static SeenIds decode(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int ranges = bytes.length / (Long.BYTES * LONGS_PER_RANGE);
    SeenIds ids = new SeenIds(Math.max(4, ranges));
    for (int i = 0; i < ranges; i++) {
      ids.from[i] = buffer.getLong();
      ids.to[i] = buffer.getLong();
      ids.newest[i] = buffer.getLong();
    }
    ids.size = ranges;
    return ids;
  }

  byte[] encoded() {
    ByteBuffer buffer = ByteBuffer.allocate(size * Long.BYTES * LONGS_PER_RANGE);
    for (int i = 0; i < size; i++) {
      buffer.putLong(from[i]).putLong(to[i]).putLong(newest[i]);
    }
    return buffer.array();
  }

  boolean contains(long id) {
    int at = rangeAtOrBefore(id);
    return at >= 0 && id <= to[at];
  }

  /** Adds an id not {@link #contains contained}, joining it to the ranges it is next to. */
  void add(long id, long tradeTime) {
    int before = rangeAtOrBefore(id);
    boolean extendsBefore = before >= 0 && id != Long.MIN_VALUE && to[before] == id - 1;
    int after = before + 1;
    boolean extendsAfter = after < size && id != Long.MAX_VALUE && from[after] == id + 1;
    if (extendsBefore && extendsAfter) {
      to[before] = to[after];
      newest[before] = Math.max(Math.max(newest[before], newest[after]), tradeTime);
      remove(after);
    } else if (extendsBefore) {
      to[before] = id;
      newest[before] = Math.max(newest[before], tradeTime);
    } else if (extendsAfter) {
      from[after] = id;
      newest[after] = Math.max(newest[after], tradeTime);
    } else {
      insert(after, id, tradeTime);
    }
  }

  /** Drops the ranges whose every id is older than the watermark. */
  void forgetOlderThan(long watermarkMs) {
    int kept = 0;
    for (int i = 0; i < size; i++) {
      if (newest[i] >= watermarkMs) {
        from[kept] = from[i];
        to[kept] = to[i];
        newest[kept] = newest[i];
        kept++;
      }
    }
    size = kept;
  }

  boolean isEmpty() {
    return size == 0;
  }

  int ranges() {
    return size;
  }

  /** The oldest newest trade time of a range: when the watermark passes it, a range can leave. */
  long firstToLeave() {
    long oldest = Long.MAX_VALUE;
    for (int i = 0; i < size; i++) {
      oldest = Math.min(oldest, newest[i]);
    }
    return oldest;
  }

  /** The index of the range with the largest start at or before {@code id}, or -1. */
  private int rangeAtOrBefore(long id) {
    if (size > 0 && from[size - 1] <= id) {
      return size - 1;
    }
    int found = Arrays.binarySearch(from, 0, size, id);
    return found >= 0 ? found : -found - 2;
  }

  private void insert(int at, long id, long tradeTime) {
    if (size == from.length) {
      int capacity = size * 2;
      from = Arrays.copyOf(from, capacity);
      to = Arrays.copyOf(to, capacity);
      newest = Arrays.copyOf(newest, capacity);
    }
    System.arraycopy(from, at, from, at + 1, size - at);
    System.arraycopy(to, at, to, at + 1, size - at);
    System.arraycopy(newest, at, newest, at + 1, size - at);
    from[at] = id;
    to[at] = id;
    newest[at] = tradeTime;
    size++;
  }

  private void remove(int at) {
    System.arraycopy(from, at + 1, from, at, size - at - 1);
    System.arraycopy(to, at + 1, to, at, size - at - 1);
    System.arraycopy(newest, at + 1, newest, at, size - at - 1);
    size--;
  }
}
