package io.cryptolake.gold;

import java.time.LocalDate;
import java.util.Collection;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A condition naming gold's (exchange_date, exchange_hour) partitions, so a MERGE or a scan reads only those:
 * one clause per hour while there are few, else one IN list of their dates (up to 24 times the hours read, but
 * a condition of bounded size). Spark generates code for a chain of ORs recursively, copying each level's code
 * into the next: a catch-up batch touching a thousand hours made a chain that ran a 1 GB driver out of heap.
 */
final class GoldHours {
  /** Above this many hours (or, in {@link TouchedMinutes}, ranges), a condition names dates instead. */
  static final int MAX_CLAUSES = 48;

  private GoldHours() {}

  /** One partition of gold. */
  record Hour(LocalDate date, int hour) implements Comparable<Hour> {
    @Override
    public int compareTo(Hour other) {
      int byDate = date.compareTo(other.date);
      return byDate != 0 ? byDate : Integer.compare(hour, other.hour);
    }
  }

  /** SQL over gold aliased {@code alias}: true for rows in any of {@code hours}, and for few others. */
  static String sql(Collection<Hour> hours, String alias) {
    SortedSet<Hour> sorted = new TreeSet<>(hours);
    if (sorted.size() <= MAX_CLAUSES) {
      return sorted.stream()
          .map(h -> "(" + alias + ".exchange_date = DATE '" + h.date() + "' AND " + alias + ".exchange_hour = "
              + h.hour() + ")")
          .collect(Collectors.joining(" OR ", "(", ")"));
    }
    return sorted.stream().map(h -> "DATE '" + h.date() + "'").distinct()
        .collect(Collectors.joining(", ", "(" + alias + ".exchange_date IN (", "))"));
  }
}
