package io.cryptolake.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.max;

import io.cryptolake.lake.BatchCommits;
import io.cryptolake.lake.CommitMarkers;
import io.cryptolake.lake.IcebergStreams;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.metrics.Freshness;
import io.cryptolake.schemas.DlqReason;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.silver.adapters.ExchangeAdapters;
import io.cryptolake.streaming.EmptyCheckpoint;
import io.cryptolake.streaming.MaterializedBatch;
import io.cryptolake.streaming.MicroBatchInput;
import io.cryptolake.streaming.ValueCounts;
import io.cryptolake.streaming.WholeSourceStart;
import io.cryptolake.validation.TradeValidator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.iceberg.Table;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bronze table (Iceberg streaming read) to the exchange's silver table and the shared DLQ. Each micro-batch is
 * transformed once, then written to silver and to the DLQ, each write idempotent per batch
 * ({@link BatchCommits}), so a crash between them neither loses nor doubles a row on restart.
 */
public final class SilverStream {
  private static final Logger LOG = LoggerFactory.getLogger(SilverStream.class);

  private SilverStream() {}

  /** Called after the silver write of a batch, before the DLQ write. Tests use it to crash there. */
  public interface BetweenWrites {
    void afterSilverWrite(long batchId);
  }

  /** What the job writes, for {@link EmptyCheckpoint}: its silver table, then its exchange's DLQ rows. */
  public static List<EmptyCheckpoint.Output> outputs(LakeConfig lake, Exchange exchange) {
    return List.of(EmptyCheckpoint.Output.whole(lake.qualified(Tables.silverName(exchange))),
        new EmptyCheckpoint.Output(lake.qualified(Tables.DLQ), "bronze_source = '" + Tables.bronzeName(exchange) + "'"));
  }

  public static StreamingQuery start(SparkSession spark, LakeConfig lake, SilverConfig config) {
    return start(spark, lake, config, batchId -> {}, stats -> {});
  }

  public static StreamingQuery start(SparkSession spark, LakeConfig lake, SilverConfig config,
      BetweenWrites hook, Consumer<SilverBatchStats> statsListener) {
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    String bronzeTable = Tables.bronzeName(config.exchange());
    catalog.ensure(Tables.bronze(config.exchange()));
    catalog.ensure(Tables.silver(config.exchange()));
    catalog.ensure(Tables.dlq());
    SilverTransform transform = new SilverTransform(ExchangeAdapters.of(config.exchange()), config.registryUrl(),
        config.registryMaxWait(), config.validation());
    String checkpoint = config.stream().checkpointFor(config.jobName());
    WholeSourceStart.prepare(spark, lake, checkpoint, List.of(bronzeTable));
    Dataset<Row> bronze = IcebergStreams.appends(spark, lake, bronzeTable, config.maxFilesPerTrigger(),
        config.stream().sourcePollInterval())
        .withColumnRenamed("ingestion_timestamp", "bronze_ingestion_timestamp");
    BatchWriter writer = new BatchWriter(config.jobName(), lake, catalog, transform, config.exchange(), hook,
        statsListener);
    try {
      return bronze.writeStream()
          .queryName(config.jobName())
          .trigger(config.stream().sourceTrigger())
          .option("checkpointLocation", checkpoint)
          .foreachBatch(writer)
          .start();
    } catch (TimeoutException e) {
      throw new IllegalStateException("could not start " + config.jobName(), e);
    }
  }

  /** Writes one micro-batch to silver and the DLQ, each at most once. */
  static final class BatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private static final ValueCounts REASONS = new ValueCounts(col(TradeValidator.ERROR_REASON),
        Arrays.stream(DlqReason.values()).map(DlqReason::reason).toList());
    private static final String NEWEST = "kafka_timestamp";
    private final String job;
    private final LakeConfig lake;
    private final LakeCatalog catalog;
    private final SilverTransform transform;
    private final Exchange exchange;
    private final BetweenWrites hook;
    private final Consumer<SilverBatchStats> statsListener;

    BatchWriter(String job, LakeConfig lake, LakeCatalog catalog, SilverTransform transform,
        Exchange exchange, BetweenWrites hook, Consumer<SilverBatchStats> statsListener) {
      this.job = job;
      this.lake = lake;
      this.catalog = catalog;
      this.transform = transform;
      this.exchange = exchange;
      this.hook = hook;
      this.statsListener = statsListener;
    }

    @Override
    public void call(Dataset<Row> bronzeBatch, Long batchId) throws Exception {
      if (MicroBatchInput.none(bronzeBatch)) {
        // Nothing to transform or write: counted as a batch, without a Spark job.
        report(new SilverBatchStats(job, batchId, 0, Map.of(), Map.of()));
        return;
      }
      String writer = BatchCommits.writer(job, bronzeBatch);
      // One task per core: every task writes its own files, so more tasks than cores only makes more files.
      Dataset<Row> batch = bronzeBatch.coalesce(bronzeBatch.sparkSession().sparkContext().defaultParallelism());
      // The verdict is computed once for both writes, and counted by reason as it is kept.
      try (MaterializedBatch materialized = MaterializedBatch.of(transform.apply(batch), keptMetrics())) {
        Dataset<Row> validated = materialized.rows();
        SilverBatchStats stats = stats(materialized, batchId);
        Table silver = catalog.load(Tables.silverName(exchange));
        Table dlq = catalog.load(Tables.DLQ);
        if (stats.valid() > 0) {
          BatchCommits.appendOnce(SilverTransform.silverRows(validated),
              lake.qualified(Tables.silverName(exchange)), silver, writer, batchId,
              Map.of(CommitMarkers.VALID_ROWS, String.valueOf(stats.valid())));
        }
        hook.afterSilverWrite(batchId);
        if (stats.invalid() > 0) {
          Map<String, String> summary = new LinkedHashMap<>();
          stats.invalidByReason().forEach((reason, n) -> summary.put(CommitMarkers.dlqReason(reason), String.valueOf(n)));
          BatchCommits.appendOnce(SilverTransform.dlqRows(validated, Tables.bronzeName(exchange)),
              lake.qualified(Tables.DLQ), dlq, writer, batchId, summary);
        }
        report(stats);
      }
    }

    private void report(SilverBatchStats stats) {
      LOG.info(stats.logLine());
      stats.publish();
      statsListener.accept(stats);
    }

    /**
     * The batch's counts by reason and its newest record, observed as it was kept; counted by a Spark job over the
     * kept rows only when a row's reason is not one of {@link DlqReason}'s (which the validation never gives).
     */
    /** What a kept batch observes: its rows by reason ({@link #REASONS}), then its newest record's time. */
    static List<Column> keptMetrics() {
      List<Column> metrics = new ArrayList<>(REASONS.metrics());
      metrics.add(max(NEWEST));
      return metrics;
    }

    private SilverBatchStats stats(MaterializedBatch validated, long batchId) {
      Row observed = validated.observed();
      Freshness.report(job, observed.isNullAt(REASONS.size()) ? null : observed.getTimestamp(REASONS.size()));
      Optional<Map<String, Long>> observedByReason = REASONS.read(observed, 0);
      if (observedByReason.isEmpty()) {
        return counted(validated, batchId);
      }
      long valid = 0;
      Map<String, Long> byReason = new LinkedHashMap<>();
      Map<String, Long> byType = new LinkedHashMap<>();
      for (Map.Entry<String, Long> reason : observedByReason.get().entrySet()) {
        if (reason.getKey() == null) {
          valid = reason.getValue();
        } else {
          byReason.put(reason.getKey(), reason.getValue());
          byType.merge(DlqReason.valueOf(reason.getKey().toUpperCase(Locale.ROOT)).type().value(), reason.getValue(),
              Long::sum);
        }
      }
      return new SilverBatchStats(job, batchId, valid, byReason, byType);
    }

    private SilverBatchStats counted(MaterializedBatch validated, long batchId) {
      List<Row> counts = validated.aggregate(rows -> rows
          .groupBy(col(TradeValidator.ERROR_REASON), col(TradeValidator.ERROR_TYPE)).agg(count("*").as("n")));
      long valid = 0;
      Map<String, Long> byReason = new LinkedHashMap<>();
      Map<String, Long> byType = new LinkedHashMap<>();
      for (Row row : counts) {
        String reason = row.getString(0);
        long n = row.getLong(2);
        if (reason == null) {
          valid += n;
        } else {
          byReason.merge(reason, n, Long::sum);
          byType.merge(row.getString(1), n, Long::sum);
        }
      }
      return new SilverBatchStats(job, batchId, valid, byReason, byType);
    }
  }

  /** Collects batch stats, for callers that want to look at them after the fact. */
  public static final class StatsLog implements Consumer<SilverBatchStats> {
    private final List<SilverBatchStats> batches = new CopyOnWriteArrayList<>();

    @Override
    public void accept(SilverBatchStats stats) {
      batches.add(stats);
    }

    public List<SilverBatchStats> batches() {
      return List.copyOf(batches);
    }
  }
}
