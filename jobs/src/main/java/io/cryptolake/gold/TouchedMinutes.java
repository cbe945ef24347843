package io.cryptolake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;

/**
 * The (exchange, symbol, minute) bars one batch of gold rows touches, and filters that read only what those
 * bars need: gold's (exchange_date, exchange_hour) partitions and the minutes within them, and the bars table's
 * days. Minutes are grouped per hour (gold) or per day (bars) into one range each, so a filter has one clause per
 * hour or day touched, however many symbols, and at most {@link GoldHours#MAX_CLAUSES} clauses.
 */
final class TouchedMinutes {
  private static final Duration MINUTE = Duration.ofMinutes(1);

  private final List<Row> keys;
  private final List<Instant> minutes;

  /** {@code keys}: rows of (exchange, symbol, minute). */
  TouchedMinutes(List<Row> keys) {
    this.keys = keys;
    this.minutes = keys.stream().map(k -> ((Timestamp) k.getAs("minute")).toInstant()).toList();
  }

  List<Row> keys() {
    return keys;
  }

  boolean isEmpty() {
    return keys.isEmpty();
  }

  /**
   * Gold rows in the touched minutes: partition equality for pruning, trade-time ranges for file pruning. Over
   * more than {@link GoldHours#MAX_CLAUSES} hours, the touched dates and one trade-time range: a wider read, a
   * condition of bounded size (the caller keeps only the touched minutes' rows either way).
   */
  Column goldFilter() {
    List<Range> hours = ranges(m -> m.truncatedTo(ChronoUnit.HOURS));
    if (hours.size() > GoldHours.MAX_CLAUSES) {
      Object[] dates = hours.stream().map(r -> Date.valueOf(r.from().atZone(ZoneOffset.UTC).toLocalDate()))
          .distinct().toArray();
      return col("exchange_date").isin(dates)
          .and(col("timestamp").geq(lit(Timestamp.from(hours.get(0).from()))))
          .and(col("timestamp").lt(lit(Timestamp.from(hours.get(hours.size() - 1).to()))));
    }
    Column filter = lit(false);
    for (Range r : hours) {
      var utc = r.from().atZone(ZoneOffset.UTC);
      filter = filter.or(col("exchange_date").equalTo(lit(Date.valueOf(utc.toLocalDate())))
          .and(col("exchange_hour").equalTo(lit(utc.getHour())))
          .and(col("timestamp").geq(lit(Timestamp.from(r.from()))))
          .and(col("timestamp").lt(lit(Timestamp.from(r.to())))));
    }
    return filter;
  }

  /**
   * The same minutes as SQL over the bars table aliased {@code alias}, one range per UTC day; over more than
   * {@link GoldHours#MAX_CLAUSES} days, one range from the first to the last.
   */
  String barsCondition(String alias) {
    List<Range> days = ranges(m -> m.truncatedTo(ChronoUnit.DAYS));
    if (days.size() > GoldHours.MAX_CLAUSES) {
      days = List.of(new Range(days.get(0).from(), days.get(days.size() - 1).to()));
    }
    return days.stream()
        .map(r -> "(" + alias + ".minute >= TIMESTAMP '" + r.from() + "' AND " + alias + ".minute < TIMESTAMP '"
            + r.to() + "')")
        .collect(Collectors.joining(" OR ", "(", ")"));
  }

  private List<Range> ranges(Function<Instant, Instant> bucket) {
    Map<Instant, Range> byBucket = new TreeMap<>();
    for (Instant minute : minutes) {
      byBucket.merge(bucket.apply(minute), new Range(minute, minute.plus(MINUTE)), Range::span);
    }
    return List.copyOf(byBucket.values());
  }

  private record Range(Instant from, Instant to) {
    Range span(Range other) {
      return new Range(from.isBefore(other.from) ? from : other.from, to.isAfter(other.to) ? to : other.to);
    }
  }
}
