package io.cryptolake.gaps;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.current_timestamp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.cryptolake.lake.AppendedRows;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSql;
import io.cryptolake.lake.Tables;
import io.cryptolake.streaming.MaterializedBatch;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Missing trade ids per (exchange, symbol). Trade ids are consecutive per symbol on both exchanges, so a step of
 * more than one between neighbours (by id) is a gap. One run:
 * <ol>
 *   <li>looks at gold's trades appended since the previous run (the {@code gaps} command also at a window of
 *       trade time; gold's own check, after its first run, at nothing else), together with each symbol's highest
 *       id seen by earlier runs ({@code control_sequence_progress}): an outage longer than any window is still a
 *       gap, from the last trade before it to the first after it;</li>
 *   <li>records gaps not yet in {@code control_sequence_gaps} (a gap inside a recorded one, left by a partial
 *       fill, is that one, not a new row);</li>
 *   <li>counts again the missing ids of every open gap that gold's rows since the previous run could fill (late
 *       trades, a DLQ replay), and closes a gap ({@code filled_at}) when none is missing. Rows are never
 *       deleted: a filled gap keeps its range, size, severity and when it was detected.</li>
 * </ol>
 * Assumption: a symbol's trade ids grow with its trade times, so the ids of a gap lie between the trade times
 * of its neighbours; counting reads only those hours of gold.
 */
public final class SequenceGaps {
  /** The table property that records up to which gold snapshot the last run looked for fills. */
  static final String GOLD_SNAPSHOT = "cryptolake.gaps.gold-snapshot";
  /** Up to this many gaps (symbols with late rows), a read of each one's own hours and ids; beyond, one range. */
  private static final int DETAILED_FILTER_GAPS = 50;
  private static final int CONFLICT_ATTEMPTS = 5;
  /** Tasks a check's sort of the trades by id is split into, by symbol: each holds a core for a short while. */
  private static final int STEP_PARTITIONS = 16;
  private static final Logger LOG = LoggerFactory.getLogger(SequenceGaps.class);
  private static final Column DECIMAL_ID = col("source_sequence").cast(DataTypes.createDecimalType(20, 0));
  /** How many ids lie between a row and the one before it, in decimal: ids may be anywhere in the long range. */
  private static final Column STEP = col("decimal_id").minus(col("previous_id")).minus(lit(1));

  private SequenceGaps() {}

  /**
   * Gaps seen among the rows looked at, how many were new to the table, how many open gaps were closed, and
   * where the check's time went ({@code phases}, for its log line).
   */
  public record Result(List<Row> found, long added, long filled, String phases) {}

  /**
   * The {@code gaps} command: gold's trades with a trade time in [from, to) (either end open when NULL), and
   * those appended since the previous run.
   */
  public static Result detect(SparkSession spark, LakeConfig lake, Instant from, Instant to) {
    return detect(spark, lake, from, to, false);
  }

  /**
   * Gold's own check, every few minutes: only the trades appended to gold since the previous run (any run, this
   * or the command), so a check costs what gold gained since, not the whole window again. The first run, and a
   * run whose previous run's gold snapshot has expired, read the trades from {@code firstFrom} on instead.
   */
  public static Result detectAppended(SparkSession spark, LakeConfig lake, Instant firstFrom) {
    return detect(spark, lake, firstFrom, null, true);
  }

  private static Result detect(SparkSession spark, LakeConfig lake, Instant from, Instant to, boolean appendedOnly) {
    for (int attempt = 1; ; attempt++) {
      try {
        return detectOnce(spark, lake, from, to, appendedOnly);
      } catch (RuntimeException e) {
        ValidationException conflict = conflict(e);
        if (conflict == null || attempt == CONFLICT_ATTEMPTS) {
          throw e;
        }
        LOG.info("gap check: another check committed to the gap tables at the same time ({}); checking again",
            conflict.getMessage());
      }
    }
  }

  /**
   * The Iceberg conflict behind a failure, if that is what it is: gold's own check and a `gaps` command (or two
   * commands) that MERGE the same gaps at once. Checking again is safe: a check writes only what gold's trades
   * say, so the second pass finds the other's rows and adds nothing twice (its counts of new and filled gaps
   * then leave out what the other check recorded).
   */
  private static ValidationException conflict(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof ValidationException conflict) {
        return conflict;
      }
    }
    return null;
  }

  private static Result detectOnce(SparkSession spark, LakeConfig lake, Instant from, Instant to,
      boolean appendedOnly) {
    CheckPhases phases = new CheckPhases();
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    Table gold = catalog.ensure(Tables.gold());
    Table gapsTable = catalog.ensure(Tables.sequenceGaps());
    catalog.ensure(Tables.sequenceProgress());
    String gapsName = lake.qualified(Tables.SEQUENCE_GAPS);
    Long goldSnapshot = gold.currentSnapshot() == null ? null : gold.currentSnapshot().snapshotId();

    // Read once: the appended rows are looked at three times (the candidates, the late ones' spans, the rows
    // that may fall into recorded gaps), each a read of gold's new files otherwise.
    MaterializedBatch appended = appendedSincePreviousCheck(spark, lake, gapsTable, gold)
        .map(MaterializedBatch::adaptive).orElse(null);
    phases.lap("appended rows");
    MaterializedBatch steps = null;
    MaterializedBatch asFound = null;
    Dataset<Row> found = null;
    try {
      Dataset<Row> appendedRows = appended == null ? null : appended.rows();
      Dataset<Row> anchors = spark.table(lake.qualified(Tables.SEQUENCE_PROGRESS)).select(col("exchange"),
          col("symbol"), col("last_trade_id").as("source_sequence"), col("last_timestamp").as("timestamp"));
      Dataset<Row> candidates = candidates(spark, lake, appendedRows, anchors, from, to, appendedOnly);
      // One pass over the candidates gives both the gaps and each symbol's highest id (the progress).
      steps = MaterializedBatch.adaptive(steps(candidates.unionByName(anchors)));
      found = gaps(steps.rows()).cache();
      List<Row> foundRows = found.orderBy("exchange", "symbol", "gap_start").collectAsList();
      phases.lap("steps");
      Dataset<Row> recorded = spark.table(gapsName);
      Dataset<Row> fresh = foundRows.isEmpty() ? found.limit(0) : found.as("f")
          .join(recorded.where(IdRanges.of(foundRows, "gap_start", "gap_end").overlapping()).as("r"),
              col("f.exchange").equalTo(col("r.exchange")).and(col("f.symbol").equalTo(col("r.symbol")))
                  .and(col("f.gap_start").leq(col("r.gap_end"))).and(col("f.gap_end").geq(col("r.gap_start"))),
              "left_anti");
      // Only a row below its symbol's highest id seen before can fall into a recorded gap: the others are
      // matched against no open gap, which would otherwise cost every appended row a look at every open gap.
      Dataset<Row> belowAnchors = (appendedRows != null ? appendedRows : spark.table(lake.qualified(Tables.GOLD)))
          .as("n").join(anchors.as("p"),
              col("n.exchange").equalTo(col("p.exchange")).and(col("n.symbol").equalTo(col("p.symbol")))
                  .and(col("n.source_sequence").lt(col("p.source_sequence"))), "left_semi");
      IdRanges late = IdRanges.of(belowAnchors.groupBy("exchange", "symbol")
          .agg(min("source_sequence").as("low"), max("source_sequence").as("high")).collectAsList(), "low", "high");
      Dataset<Row> reopened = recorded.where(col("filled_at").isNull().and(late.overlapping())).as("r")
          .join(belowAnchors.as("n"), col("r.exchange").equalTo(col("n.exchange"))
              .and(col("r.symbol").equalTo(col("n.symbol")))
              .and(col("n.source_sequence").between(col("r.gap_start"), col("r.gap_end"))), "left_semi")
          .select(java.util.Arrays.stream(fresh.columns()).map(c -> col("r." + c)).toArray(Column[]::new));
      Column exact = exactlyMissing(appendedOnly && appendedRows != null, from, to);
      // Kept on the executors, not collected: a check finds 30,000-50,000 new gaps at the benchmark's 2% faulty
      // records, and sent back as the MERGE's source from the driver they made one task of 1-2.8 MB (Spark's
      // warning "a task of very large size", every check). The driver needs only each symbol's range of them.
      asFound = MaterializedBatch.adaptive(fresh.where(exact));
      List<Row> asFoundRanges = asFound.rows().groupBy("exchange", "symbol")
          .agg(min("gap_start").as("gap_start"), max("gap_end").as("gap_end")).collectAsList();
      List<Row> toCount = fresh.where(not(exact)).unionByName(reopened).collectAsList();
      long before = openGaps(spark, gapsName);
      long rowsBefore = spark.table(gapsName).count();
      phases.lap("new and late");
      if (!toCount.isEmpty() || !asFoundRanges.isEmpty()) {
        Dataset<Row> merged = asFound.rows();
        if (!toCount.isEmpty()) {
          merged = merged.unionByName(withMissing(spark, lake, spark.createDataFrame(toCount, fresh.schema()), toCount));
        }
        // A recorded gap the merge can match lies in its symbol's range of the merged gaps: said on the target
        // alone, so the MERGE reads only those of the recorded gaps, not all of them.
        String targetRows = IdRanges.of(Stream.concat(asFoundRanges.stream(), toCount.stream()).toList(), "gap_start",
            "gap_end").overlappingSql("t");
        LakeSql.withView(merged, "sequence_gaps", view -> "MERGE INTO " + gapsName + " t USING " + view + " s "
            + "ON t.exchange = s.exchange AND t.symbol = s.symbol AND t.gap_start = s.gap_start AND " + targetRows
            + " WHEN MATCHED AND NOT (t.missing_ids <=> s.missing_ids) THEN UPDATE SET t.missing_ids = s.missing_ids, "
            + "t.filled_at = s.filled_at, t.updated_at = s.updated_at "
            + "WHEN NOT MATCHED AND s.missing_ids > 0 THEN INSERT *");
      }
      phases.lap("merge");
      long added = spark.table(gapsName).count() - rowsBefore;
      long filled = Math.max(0, before + added - openGaps(spark, gapsName));
      updateProgress(spark, lake, steps.rows());
      if (goldSnapshot != null) {
        gapsTable.refresh();
        gapsTable.updateProperties().set(GOLD_SNAPSHOT, String.valueOf(goldSnapshot)).commit();
      }
      phases.lap("progress");
      return new Result(foundRows, added, filled, phases.toString());
    } finally {
      if (found != null) {
        found.unpersist();
      }
      for (MaterializedBatch batch : new MaterializedBatch[] {asFound, steps, appended}) {
        if (batch != null) {
          batch.close();
        }
      }
    }
  }

  /**
   * Which new gaps' sizes are their missing counts, without reading gold again: all of them when the candidates
   * were the appended rows with gold's trades around the late ones; in a window of trade time, those whose
   * neighbours both lie in the window, since every gold trade of the window is a candidate and a missing id's
   * trade time lies between its neighbours'. A gap from a symbol's highest id seen before (its anchor) to a row
   * of the window may have ids in gold before the window: counted.
   */
  private static Column exactlyMissing(boolean exactSteps, Instant from, Instant to) {
    Column exact = lit(true);
    if (!exactSteps && from != null) {
      exact = exact.and(col("before_timestamp").geq(lit(Timestamp.from(from))));
    }
    if (!exactSteps && to != null) {
      exact = exact.and(col("after_timestamp").lt(lit(Timestamp.from(to))));
    }
    return exact;
  }

  /**
   * Each trade with the id and trade time of the trade before it (by id) in its (exchange, symbol), keeping the
   * rows that follow a step of more than one (a gap) and each symbol's last row (its highest id).
   *
   * <p>The rows are spread over {@link #STEP_PARTITIONS} tasks by symbol: one task sorting every symbol's rows
   * held a core for 8.8 s (1.9 million rows, a benchmark's five-minute check alone on the machine; longer beside
   * the queries), and a query's next task waited for it. Steps are compared as longs, with decimals only for the
   * rows kept, since ids may be anywhere in the long range.
   */
  static Dataset<Row> steps(Dataset<Row> trades) {
    var bySymbol = Window.partitionBy("exchange", "symbol").orderBy("source_sequence");
    Column id = col("source_sequence");
    Column previous = col("previous_sequence");
    // id > previous + 1 without overflowing: previous + 1 is computed only below Long.MAX_VALUE.
    Column gapBefore = when(previous.isNull().or(previous.equalTo(Long.MAX_VALUE)), lit(false))
        .otherwise(id.gt(previous.plus(lit(1L))));
    return trades.repartition(STEP_PARTITIONS, col("exchange"), col("symbol"))
        .select(col("exchange"), col("symbol"), id, col("timestamp"),
            lag(id, 1).over(bySymbol).as("previous_sequence"),
            lag(col("timestamp"), 1).over(bySymbol).as("previous_time"),
            lead(id, 1).over(bySymbol).isNull().as("last"))
        .where(col("last").or(gapBefore))
        .select(col("exchange"), col("symbol"), DECIMAL_ID.as("decimal_id"), col("timestamp"),
            previous.cast(DataTypes.createDecimalType(20, 0)).as("previous_id"), col("previous_time"), col("last"));
  }

  /** The gaps between consecutive trade ids of each (exchange, symbol) in {@link #steps}, with their severity. */
  static Dataset<Row> gaps(Dataset<Row> steps) {
    Column sizeAsLong = least(STEP, lit(Long.MAX_VALUE)).cast(DataTypes.LongType);
    return steps.where(col("previous_id").isNotNull().and(STEP.gt(0)))
        .select(col("exchange"), col("symbol"),
            col("previous_id").plus(lit(1)).cast(DataTypes.LongType).as("gap_start"),
            col("decimal_id").minus(lit(1)).cast(DataTypes.LongType).as("gap_end"),
            sizeAsLong.as("gap_size"),
            severity(STEP).as("severity"),
            col("previous_time").as("before_timestamp"),
            col("timestamp").as("after_timestamp"),
            current_timestamp().as("detected_at"),
            sizeAsLong.as("missing_ids"),
            lit(null).cast(DataTypes.TimestampType).as("filled_at"),
            current_timestamp().as("updated_at"));
  }

  /** 1-10 LOW, 11-100 MEDIUM, 101-1000 HIGH, above 1000 CRITICAL. */
  static Column severity(Column size) {
    return when(size.leq(10), lit("LOW")).when(size.leq(100), lit("MEDIUM")).when(size.leq(1000), lit("HIGH"))
        .otherwise(lit("CRITICAL"));
  }

  /**
   * The gaps with their ids counted again in gold: {@code missing_ids}, and {@code filled_at} when none is
   * missing. Reads gold's hours between each gap's neighbouring trades only.
   */
  private static Dataset<Row> withMissing(SparkSession spark, LakeConfig lake, Dataset<Row> gaps, List<Row> rows) {
    Column hours = rows.size() > DETAILED_FILTER_GAPS ? coarse(rows) : lit(false);
    for (Row gap : rows.size() > DETAILED_FILTER_GAPS ? List.<Row>of() : rows) {
      Timestamp start = gap.getAs("before_timestamp");
      Timestamp end = gap.getAs("after_timestamp");
      hours = hours.or(col("exchange").equalTo(gap.getAs("exchange")).and(col("symbol").equalTo(gap.getAs("symbol")))
          .and(trades(start, end))
          .and(col("source_sequence").between(gap.getAs("gap_start"), gap.getAs("gap_end"))));
    }
    Dataset<Row> present = spark.table(lake.qualified(Tables.GOLD)).where(hours).as("g")
        .join(broadcast(gaps.select("exchange", "symbol", "gap_start", "gap_end")).as("k"),
            col("g.exchange").equalTo(col("k.exchange")).and(col("g.symbol").equalTo(col("k.symbol")))
                .and(col("g.source_sequence").between(col("k.gap_start"), col("k.gap_end"))))
        .groupBy(col("k.exchange"), col("k.symbol"), col("k.gap_start"))
        .agg(count_distinct(col("g.source_sequence")).as("present"));
    Column missing = greatest(lit(0L), col("gap_size").minus(col("present")));
    return gaps.join(present, new String[] {"exchange", "symbol", "gap_start"}, "left")
        .na().fill(0L, new String[] {"present"})
        .withColumn("missing_ids", missing)
        .withColumn("filled_at", when(missing.equalTo(0), current_timestamp()))
        .withColumn("updated_at", current_timestamp())
        .drop("present");
  }

  /**
   * Many gaps at once (the first check of an old lake): one date range over all of them, since a filter with a
   * clause per gap grows past what Spark compiles; the join does the rest.
   */
  private static Column coarse(List<Row> rows) {
    Timestamp first = rows.stream().map(g -> (Timestamp) g.getAs("before_timestamp")).min(Timestamp::compareTo)
        .orElseThrow();
    Timestamp last = rows.stream().map(g -> (Timestamp) g.getAs("after_timestamp")).max(Timestamp::compareTo)
        .orElseThrow();
    return trades(first, last);
  }

  /** Gold's trades with a trade time in [start, end], read from those dates' partitions only. */
  private static Column trades(Timestamp start, Timestamp end) {
    return col("exchange_date").between(utcDate(start), utcDate(end)).and(col("timestamp").between(start, end));
  }

  /**
   * Where a run looks for gaps, besides each symbol's highest id seen before (the anchors, so a gap that began
   * before these rows is still seen): the rows appended since the previous run, with gold's trades around those
   * of them that arrived after a higher id (so their neighbours are gold's, not the anchor), and the window of
   * trade time unless only the appended rows are asked for and known.
   */
  private static Dataset<Row> candidates(SparkSession spark, LakeConfig lake, Dataset<Row> appendedRows,
      Dataset<Row> anchors, Instant from, Instant to, boolean appendedOnly) {
    boolean window = !appendedOnly || appendedRows == null;
    boolean wholeGold = window && from == null && to == null;
    List<Dataset<Row>> parts = new ArrayList<>();
    if (window) {
      parts.add(LakeSql.within(spark.table(lake.qualified(Tables.GOLD)), "timestamp", from, to));
    }
    if (appendedRows != null && !wholeGold) {
      parts.add(appendedRows);
      parts.add(aroundLateRows(spark, lake, appendedRows, anchors));
    }
    return parts.stream().map(SequenceGaps::tradeIds).reduce(Dataset::unionByName).orElseThrow();
  }

  /** The columns a check looks at, of the trades that have an id. */
  private static Dataset<Row> tradeIds(Dataset<Row> trades) {
    return trades.select("exchange", "symbol", "source_sequence", "timestamp")
        .where(col("source_sequence").isNotNull());
  }

  /**
   * Gold's trades of each symbol between its earliest appended row below its anchor (a late trade, or one from a
   * Kafka partition behind the others) and the anchor: the ids around such a row, so its steps to its neighbours
   * are exact. Usually seconds of one symbol; none when every appended id is above the anchor.
   */
  private static Dataset<Row> aroundLateRows(SparkSession spark, LakeConfig lake, Dataset<Row> appendedRows,
      Dataset<Row> anchors) {
    List<Row> spans = appendedRows.as("a").join(anchors.as("p"), col("a.exchange").equalTo(col("p.exchange"))
            .and(col("a.symbol").equalTo(col("p.symbol")))
            .and(col("a.source_sequence").lt(col("p.source_sequence"))))
        .groupBy(col("a.exchange"), col("a.symbol"))
        .agg(min(col("a.timestamp")).as("from"), max(col("p.timestamp")).as("to"))
        .collectAsList();
    Column filter = lit(false);
    if (spans.size() > DETAILED_FILTER_GAPS) {
      filter = trades(spans.stream().map(r -> r.getTimestamp(2)).min(Timestamp::compareTo).orElseThrow(),
          spans.stream().map(r -> r.getTimestamp(3)).max(Timestamp::compareTo).orElseThrow());
    }
    for (Row span : spans.size() > DETAILED_FILTER_GAPS ? List.<Row>of() : spans) {
      filter = filter.or(col("exchange").equalTo(span.getString(0)).and(col("symbol").equalTo(span.getString(1)))
          .and(trades(span.getTimestamp(2), span.getTimestamp(3))));
    }
    return spark.table(lake.qualified(Tables.GOLD)).where(filter);
  }

  /** The ids of gold's rows appended since the previous run; none when that run is unknown or expired. */
  private static Optional<Dataset<Row>> appendedSincePreviousCheck(SparkSession spark, LakeConfig lake,
      Table gapsTable, Table gold) {
    String previous = gapsTable.properties().get(GOLD_SNAPSHOT);
    return AppendedRows.since(spark, lake, Tables.GOLD, gold, previous == null ? null : Long.parseLong(previous))
        .map(SequenceGaps::tradeIds);
  }

  /** Each symbol's highest trade id among the steps (its last row), if higher than what the table has. */
  private static void updateProgress(SparkSession spark, LakeConfig lake, Dataset<Row> steps) {
    Dataset<Row> latest = steps.where(col("last"))
        .select(col("exchange"), col("symbol"), col("decimal_id").cast(DataTypes.LongType).as("last_trade_id"),
            col("timestamp").as("last_timestamp"), current_timestamp().as("updated_at"));
    LakeSql.withView(latest, "sequence_progress", view -> "MERGE INTO "
        + lake.qualified(Tables.SEQUENCE_PROGRESS) + " t USING " + view + " s "
        + "ON t.exchange = s.exchange AND t.symbol = s.symbol "
        + "WHEN MATCHED AND s.last_trade_id > t.last_trade_id THEN UPDATE SET * WHEN NOT MATCHED THEN INSERT *");
  }

  private static long openGaps(SparkSession spark, String gapsName) {
    return spark.table(gapsName).where(col("filled_at").isNull()).count();
  }

  private static Date utcDate(Timestamp time) {
    return Date.valueOf(time.toInstant().atZone(ZoneOffset.UTC).toLocalDate());
  }
}
