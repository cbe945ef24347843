package io.cryptolake.replay;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.cryptolake.lake.CommitMarkers;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.LakeSql;
import io.cryptolake.lake.LineageKey;
import io.cryptolake.lake.Tables;
import io.cryptolake.metrics.Progress;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.silver.SilverTransform;
import io.cryptolake.silver.adapters.ExchangeAdapters;
import io.cryptolake.validation.TradeValidator;
import java.sql.Date;
import java.util.HashMap;
import java.util.Map;
import org.apache.iceberg.spark.CommitMetadata;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The DLQ replay: selected DLQ rows go through the silver transform again (the same decoding, adapters and
 * validation library, with today's code and configuration). Rows that now pass are appended to their
 * exchange's silver table unless silver already has their (topic, partition, offset), and their DLQ rows are
 * marked resolved; rows that still fail stay, with their new reasons. Running it again is harmless: resolved
 * rows are no longer selected, and silver is checked before every append.
 */
public final class DlqReplay {

  private DlqReplay() {}

  /**
   * Where the lease that lets one replay run at a time lives: beside the lake's tables, so every host that can
   * replay sees it, and outside every table's location, so orphan-file clean-up never takes it.
   */
  public static String lockDirectory(LakeConfig lake) {
    return lake.warehouse() + "/_cryptolake/dlq-replay";
  }

  public static ReplayResult run(SparkSession spark, LakeConfig lake, ReplayOptions options) {
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    catalog.require(Tables.DLQ);
    Map<String, Long> resolved = new HashMap<>();
    Map<String, Long> failing = new HashMap<>();
    long selected = 0;
    long appended = 0;
    for (Exchange exchange : options.exchanges()) {
      catalog.require(Tables.silverName(exchange));
      Dataset<Row> rows = select(spark, lake, exchange, options);
      SilverTransform transform = new SilverTransform(ExchangeAdapters.of(exchange), options.registryUrl(),
          options.registryMaxWait(), options.validation());
      Dataset<Row> validated = transform.apply(rows.select(col("raw_record").as("raw_bytes"), col("kafka_topic"),
              col("kafka_partition"), col("kafka_offset"), col("kafka_timestamp"), col("bronze_ingestion_timestamp"),
              col("error_reason").as("original_reason")), "original_reason")
          .persist(StorageLevel.MEMORY_AND_DISK());
      try (Progress step = Progress.step("dlq-replay: %s's DLQ rows with today's rules%s", exchange.id(),
          options.dryRun() ? " (dry run)" : ", then to silver")) {
        for (Row r : validated.groupBy(col("original_reason"), col(TradeValidator.ERROR_REASON)).agg(count("*"))
            .collectAsList()) {
          selected += r.getLong(2);
          if (r.isNullAt(1)) {
            resolved.merge(r.getString(0), r.getLong(2), Long::sum);
          } else {
            failing.merge(r.getString(1), r.getLong(2), Long::sum);
          }
        }
        if (!options.dryRun() && !validated.isEmpty()) {
          appended += appendNewToSilver(spark, lake, exchange, validated);
          markDlq(spark, lake, exchange, validated);
        }
      } finally {
        validated.unpersist();
      }
    }
    return new ReplayResult(options.dryRun(), selected, resolved, failing, appended);
  }

  private static Dataset<Row> select(SparkSession spark, LakeConfig lake, Exchange exchange, ReplayOptions options) {
    Dataset<Row> rows = spark.table(lake.qualified(Tables.DLQ))
        .where(col("resolved_at").isNull().and(col("bronze_source").equalTo(Tables.bronzeName(exchange))));
    if (options.from() != null) {
      rows = rows.where(col("dlq_date").geq(lit(Date.valueOf(options.from()))));
    }
    if (options.to() != null) {
      rows = rows.where(col("dlq_date").leq(lit(Date.valueOf(options.to()))));
    }
    if (options.errorTypes() != null && !options.errorTypes().isEmpty()) {
      rows = rows.where(col("error_type").isin(options.errorTypes().toArray()));
    }
    if (options.reasons() != null && !options.reasons().isEmpty()) {
      rows = rows.where(col("error_reason").isin(options.reasons().toArray()));
    }
    if (options.limit() != null) {
      rows = rows.orderBy("dlq_date", "kafka_topic", "kafka_partition", "kafka_offset").limit(options.limit().intValue());
    }
    return rows;
  }

  /** Valid rows whose offset silver does not have yet. */
  private static long appendNewToSilver(SparkSession spark, LakeConfig lake, Exchange exchange, Dataset<Row> validated)
      throws RuntimeException {
    String silver = lake.qualified(Tables.silverName(exchange));
    Dataset<Row> fresh = SilverTransform.silverRows(validated)
        .join(spark.table(silver).select(LineageKey.columns()), LineageKey.joinOn(), "left_anti");
    long n = fresh.count();
    if (n > 0) {
      CommitMetadata.withCommitProperties(Map.of(CommitMarkers.WRITER, CommitMarkers.DLQ_REPLAY), () -> {
        fresh.writeTo(silver).append();
        return null;
      }, RuntimeException.class);
    }
    return n;
  }

  /** Counts the replay on every selected row; resolves the valid ones; gives the failing ones their new reasons. */
  private static void markDlq(SparkSession spark, LakeConfig lake, Exchange exchange, Dataset<Row> validated) {
    Dataset<Row> outcomes = validated.select(col("kafka_topic"), col("kafka_partition"), col("kafka_offset"),
        col(TradeValidator.IS_VALID), col(TradeValidator.ERROR_REASON), col(TradeValidator.ERROR_REASONS),
        col(TradeValidator.ERROR_TYPE));
    LakeSql.withView(outcomes, "dlq_replay", view -> "MERGE INTO " + lake.qualified(Tables.DLQ) + " t USING " + view
        + " s ON t.bronze_source = '" + Tables.bronzeName(exchange) + "' AND t.resolved_at IS NULL "
        + "AND t.kafka_topic = s.kafka_topic AND t.kafka_partition = s.kafka_partition "
        + "AND t.kafka_offset = s.kafka_offset "
        + "WHEN MATCHED AND s.is_valid THEN UPDATE SET t.replay_count = t.replay_count + 1, "
        + "t.last_replayed_at = current_timestamp(), t.resolved_at = current_timestamp() "
        + "WHEN MATCHED THEN UPDATE SET t.replay_count = t.replay_count + 1, "
        + "t.last_replayed_at = current_timestamp(), t.error_reason = s.error_reason, "
        + "t.error_reasons = s.error_reasons, t.error_type = s.error_type");
  }
}
