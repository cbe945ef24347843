package io.cryptolake.gold;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.Tables;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntPredicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

/**
 * Where trades' time to gold went, per band of it and per minute of trade time, from gold's commits and silver's
 * batch times.
 */
class GoldLatencyTest {
  private static final int TRADES = 100;
  /** The two slowest trades waited 20 s longer for bronze's batch than the others. */
  private static final int SLOW_FROM = 98;

  @Test
  void eachBandAndMinuteSaysHowLongItsTradesTook() throws Exception {
    Lake lake = TestLake.lake("gold_latency_hops", Storage.LOCAL);
    SparkSession spark = TestLake.spark();
    // Trade i is i seconds older than trade 0, so its time to gold's one commit is i seconds longer: the bands'
    // edges are trades 49 (p50), 94 (p95) and 98 (p99).
    Instant newest = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3_600);
    List<Row> trades = new ArrayList<>();
    for (int i = 0; i < TRADES; i++) {
      trades.add(GoldRows.trade("BINANCE", "BTCUSDT", i, newest.minusSeconds(i), "100", "1"));
    }
    GoldRows.append(lake, trades);
    new LakeCatalog(spark, lake.config()).ensure(Tables.silver(Exchange.BINANCE));
    String silver = lake.config().qualified(Tables.silverName(Exchange.BINANCE));
    Dataset<Row> gold = spark.table(lake.config().qualified(Tables.GOLD));
    gold.withColumn("kafka_topic", lit("market.crypto.trades.binance")).withColumn("kafka_partition", lit(0))
        .withColumn("kafka_offset", col("source_sequence")).withColumn("schema_id", lit(1))
        .withColumn("bronze_ingestion_timestamp", functions.timestamp_seconds(functions.unix_seconds(col("timestamp"))
            .plus(functions.when(col("source_sequence").geq(SLOW_FROM), 21).otherwise(1))))
        .withColumn("validation_timestamp",
            functions.timestamp_seconds(functions.unix_seconds(col("bronze_ingestion_timestamp")).plus(3)))
        .select(Arrays.stream(spark.table(silver).columns()).map(functions::col).toArray(Column[]::new))
        .writeTo(silver).append();
    Instant committed = spark.table(lake.config().qualified(Tables.GOLD) + ".snapshots").first()
        .<Timestamp>getAs("committed_at").toInstant();

    List<GoldLatency.Band> bands = GoldLatency.hops(spark, lake.config(), newest.minusSeconds(TRADES),
        newest.plusSeconds(1));

    assertEquals(GoldLatency.BANDS, bands.stream().map(GoldLatency.Band::name).toList());
    double toNewest = (committed.toEpochMilli() - newest.toEpochMilli()) / 1000.0;
    assertBand(bands.get(0), 49, i -> i < 49, toNewest);
    assertBand(bands.get(1), 45, i -> i >= 49 && i < 94, toNewest);
    assertBand(bands.get(2), 4, i -> i >= 94 && i < 98, toNewest);
    assertBand(bands.get(3), 2, i -> i >= 98, toNewest);

    // Per minute of trade time: the trades of each minute, their slowest exactly, their p99 that or the next.
    Map<Instant, List<Integer>> byMinute = IntStream.range(0, TRADES).boxed().collect(Collectors.groupingBy(
        i -> newest.minusSeconds(i).truncatedTo(ChronoUnit.MINUTES), TreeMap::new, Collectors.toList()));
    List<GoldLatency.Minute> minutes = GoldLatency.byMinute(spark, lake.config(), newest.minusSeconds(TRADES),
        newest.plusSeconds(1));
    assertEquals(List.copyOf(byMinute.keySet()), minutes.stream().map(GoldLatency.Minute::start).toList());
    for (GoldLatency.Minute minute : minutes) {
      List<Integer> in = byMinute.get(minute.start());
      double slowest = toNewest + in.stream().mapToInt(Integer::intValue).max().orElseThrow();
      assertEquals(in.size(), minute.latency().rows(), minute.start().toString());
      assertEquals(slowest, minute.latency().max(), 1e-3, minute.start().toString());
      assertEquals(slowest, minute.latency().p99(), 1.0 + 1e-3, minute.start().toString());
    }
  }

  /** The band holds trades {@code members} and its means are theirs. */
  private static void assertBand(GoldLatency.Band band, long rows, IntPredicate members, double toNewest) {
    int[] in = IntStream.range(0, TRADES).filter(members).toArray();
    double bronze = IntStream.of(in).map(i -> i >= SLOW_FROM ? 21 : 1).average().orElseThrow();
    double total = IntStream.of(in).mapToDouble(i -> toNewest + i).average().orElseThrow();
    assertEquals(rows, band.rows(), band.name());
    assertEquals(0.0, band.toSend(), 1e-9, band.name() + ": GoldRows sends at the trade time");
    assertEquals(bronze, band.toBronzeBatch(), 1e-6, band.name());
    assertEquals(3.0, band.bronzeToSilverBatch(), 1e-6, band.name());
    assertEquals(total - bronze - 3.0, band.silverBatchToGold(), 1e-3, band.name());
    assertEquals(total, band.total(), 1e-3, band.name());
  }
}
