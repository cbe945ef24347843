package io.cryptolake.gold;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_trunc;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.when;

import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.storage.StorageLevel;

/**
 * End-to-end latency of the rows in gold: the commit time of the snapshot that added a row's data file minus
 * a time of the row (the trade time, or the producer's send time, {@code ingestion_timestamp}), from Iceberg's
 * own metadata (entries and snapshots tables), so nothing has to be timed while the pipeline runs; and, with
 * silver's batch times, which hop of the pipeline that time went to ({@link #hops}). A row whose file a late
 * merge or a compaction rewrote counts from the rewrite, so run it before maintenance.
 */
public final class GoldLatency {
  /** The percentiles of {@code seconds} (p50, p95, p99) as one array, a 10,000-bucket approximation. */
  private static final Column PERCENTILES = expr("percentile_approx(seconds, array(0.5, 0.95, 0.99), 10000)");

  private GoldLatency() {}

  /** Percentiles in seconds over {@code rows} gold rows. */
  public record Percentiles(long rows, double p50, double p95, double p99, double max) {
    public String summary() {
      return rows == 0 ? "no rows" : String.format("p50 %.1f s, p95 %.1f s, p99 %.1f s, max %.1f s over %,d trades",
          p50, p95, p99, max, rows);
    }
  }

  /** Trade time ({@code timestamp}) to gold. */
  public static Percentiles fromTradeTime(SparkSession spark, LakeConfig lake) {
    return measure(spark, lake, "timestamp", lit(true));
  }

  /** Trade time to gold, for trades whose trade time is in [from, to): one window of a benchmark. */
  public static Percentiles fromTradeTime(SparkSession spark, LakeConfig lake, Instant from, Instant to) {
    return measure(spark, lake, "timestamp", window(from, to));
  }

  /** The producer's send time ({@code ingestion_timestamp}, also the Kafka timestamp) to gold: the pipeline's part. */
  public static Percentiles fromSendTime(SparkSession spark, LakeConfig lake) {
    return measure(spark, lake, "ingestion_timestamp", lit(true));
  }

  private static Percentiles measure(SparkSession spark, LakeConfig lake, String fromColumn, Column rows) {
    Dataset<Row> latency = committed(spark, lake, rows)
        .select(seconds(col("committed_at"), col(fromColumn)).as("seconds"));
    return percentiles(latency.agg(count("*"), PERCENTILES, max("seconds")).first(), 0);
  }

  /** Count, {@link #PERCENTILES} and max from {@code r}, from its column {@code at} on. */
  private static Percentiles percentiles(Row r, int at) {
    if (r.getLong(at) == 0) {
      return new Percentiles(0, 0, 0, 0, 0);
    }
    List<Double> p = r.getList(at + 1);
    return new Percentiles(r.getLong(at), p.get(0), p.get(1), p.get(2), ((Number) r.get(at + 2)).doubleValue());
  }

  /** Trade time to gold of the trades of one minute of trade time. */
  public record Minute(Instant start, Percentiles latency) {}

  /**
   * Trade time to gold per minute of trade time, for trades in [from, to), earliest minute first: a window's p99
   * is often a minute or two (a cold start's backlog, a slow batch), which the window's percentiles hide.
   */
  public static List<Minute> byMinute(SparkSession spark, LakeConfig lake, Instant from, Instant to) {
    return committed(spark, lake, window(from, to))
        .select(date_trunc("minute", col("timestamp")).as("minute"),
            seconds(col("committed_at"), col("timestamp")).as("seconds"))
        .groupBy("minute").agg(count("*"), PERCENTILES, max("seconds")).orderBy("minute").collectAsList().stream()
        .map(r -> new Minute(r.getTimestamp(0).toInstant(), percentiles(r, 1))).toList();
  }

  /**
   * The trades of one band of trade time to gold, and where that time went on average (seconds): from the trade to
   * the producer's send ({@code ingestion_timestamp}), from there to the bronze batch that wrote it (bronze's
   * {@code ingestion_timestamp}: waiting for bronze's trigger), from bronze's batch to silver's
   * ({@code validation_timestamp}: bronze's batch and commit, silver's wait), and from silver's batch to gold's
   * commit (silver's batch and commit, gold's wait and batch).
   */
  public record Band(String name, long rows, double toSend, double toBronzeBatch, double bronzeToSilverBatch,
      double silverBatchToGold, double total) {}

  /** The bands, fastest first, each from its percentile of trade time to gold up to the next. */
  public static final List<String> BANDS = List.of("below p50", "p50 to p95", "p95 to p99", "p99 and over");

  /**
   * Where the time to gold of the trades in [from, to) went, per {@link #BANDS band}: what sets the median apart
   * from the tail. Each gold row is joined to its silver row (message_id) for silver's and bronze's batch times;
   * empty when no silver table exists. The bands' edges are this join's own percentiles, so a trade silver holds
   * twice counts twice (gold holds it once).
   */
  public static List<Band> hops(SparkSession spark, LakeConfig lake, Instant from, Instant to) {
    Optional<Dataset<Row>> silver = Arrays.stream(Exchange.values())
        .map(e -> lake.qualified(Tables.silverName(e))).filter(spark.catalog()::tableExists)
        .map(t -> spark.table(t).select("message_id", "bronze_ingestion_timestamp", "validation_timestamp"))
        .reduce(Dataset::unionByName);
    if (silver.isEmpty()) {
      return List.of();
    }
    Dataset<Row> trades = committed(spark, lake, window(from, to)).join(silver.get(), "message_id").select(
        seconds(col("ingestion_timestamp"), col("timestamp")).as("to_send"),
        seconds(col("bronze_ingestion_timestamp"), col("ingestion_timestamp")).as("to_bronze"),
        seconds(col("validation_timestamp"), col("bronze_ingestion_timestamp")).as("to_silver"),
        seconds(col("committed_at"), col("validation_timestamp")).as("to_gold"),
        seconds(col("committed_at"), col("timestamp")).as("total")).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row edges = trades.agg(expr("percentile_approx(total, array(0.5, 0.95, 0.99), 10000)")).first();
      if (edges.isNullAt(0)) {
        return List.of();
      }
      List<Double> p = edges.getList(0);
      Column band = when(col("total").geq(p.get(2)), BANDS.get(3)).when(col("total").geq(p.get(1)), BANDS.get(2))
          .when(col("total").geq(p.get(0)), BANDS.get(1)).otherwise(BANDS.get(0));
      Map<String, Band> byName = new HashMap<>();
      trades.groupBy(band.as("band")).agg(count("*"), avg("to_send"), avg("to_bronze"), avg("to_silver"),
          avg("to_gold"), avg("total")).collectAsList().forEach(r -> byName.put(r.getString(0), new Band(
              r.getString(0), r.getLong(1), r.getDouble(2), r.getDouble(3), r.getDouble(4), r.getDouble(5),
              r.getDouble(6))));
      return BANDS.stream().filter(byName::containsKey).map(byName::get).toList();
    } finally {
      trades.unpersist();
    }
  }

  /** Trades whose trade time is in [from, to). */
  private static Column window(Instant from, Instant to) {
    return col("timestamp").geq(lit(Timestamp.from(from))).and(col("timestamp").lt(lit(Timestamp.from(to))));
  }

  /** Gold's rows that match {@code rows}, each with {@code committed_at}: when the snapshot that added its file did. */
  private static Dataset<Row> committed(SparkSession spark, LakeConfig lake, Column rows) {
    String gold = lake.qualified(Tables.GOLD);
    Dataset<Row> added = spark.table(gold + ".entries").where(col("status").notEqual(2))
        .select(col("data_file.file_path").as("file"), col("snapshot_id"));
    Dataset<Row> commits = spark.table(gold + ".snapshots").select(col("snapshot_id"), col("committed_at"));
    return spark.table(gold).where(rows).withColumn("file", col("_file")).join(added, "file")
        .join(commits, "snapshot_id");
  }

  private static Column seconds(Column later, Column earlier) {
    return functions.unix_micros(later).minus(functions.unix_micros(earlier)).divide(1e6);
  }
}
