package io.cryptolake.bronze;

import io.cryptolake.cli.ConfigError;
import io.cryptolake.lake.BatchCommits;
import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.metrics.Freshness;
import io.cryptolake.metrics.JobMetrics;
import io.cryptolake.metrics.LakeMetric;
import io.cryptolake.streaming.BatchClock;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends one micro-batch of Kafka records to the exchange's bronze table, at most once ({@link BatchCommits}:
 * a second copy of the job cannot add a batch twice). Before the batch is published its offsets are compared
 * with those the table holds, per partition: offsets the table already has mean another job writes this topic
 * into this table (another checkpoint), and the job stops rather than add them twice; offsets skipped since the
 * table's last are a gap Kafka's retention made (with --fail-on-data-loss false), recorded in
 * {@code control_offset_gaps} before the batch is published, so a crash cannot lose the record.
 */
final class BronzeBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
  private static final Logger LOG = LoggerFactory.getLogger(BronzeBatchWriter.class);

  private final BronzeConfig config;
  private final LakeConfig lake;
  private final LakeCatalog catalog;
  private final TableOffsets tableOffsets;

  BronzeBatchWriter(BronzeConfig config, LakeConfig lake, LakeCatalog catalog) {
    this.config = config;
    this.lake = lake;
    this.catalog = catalog;
    this.tableOffsets = new TableOffsets(config.topic());
  }

  @Override
  public void call(Dataset<Row> kafka, Long batchId) throws Exception {
    // Stamped here, not with current_timestamp() in the stream: see BatchClock.
    Dataset<Row> rows = BronzeStream.toBronzeRows(kafka, config.exchange(), BatchClock.now());
    String writer = BatchCommits.writer(config.jobName(), rows);
    Table table = catalog.load(Tables.bronzeName(config.exchange()));
    OffsetRanges[] written = {OffsetRanges.NONE};
    boolean added = BatchCommits.appendOnce(rows, lake.qualified(Tables.bronzeName(config.exchange())), table, writer,
        batchId, Map.of(), staged -> {
          OffsetRanges ranges = OffsetRanges.ofSnapshot(table, staged).orElseGet(() -> OffsetRanges.ofRows(rows));
          compareWithTable(rows, table, staged, ranges, writer + "@" + batchId);
          tableOffsets.staged(staged, ranges);
          written[0] = ranges;
        });
    if (added) {
      JobMetrics.add(LakeMetric.RECORDS_OUT, written[0].rows());
      if (written[0].newest() != null) {
        Freshness.report(config.jobName(), Timestamp.from(written[0].newest()));
      }
    }
  }

  private void compareWithTable(Dataset<Row> rows, Table table, Snapshot staged, OffsetRanges batch,
      String detectedBy) {
    Map<Integer, Long> highest = tableOffsets.highest(table);
    if (table.currentSnapshot() != null
        && SnapshotUtil.isAncestorOf(table, table.currentSnapshot().snapshotId(), staged.snapshotId())) {
      return; // committed directly (a table not yet set up for staging): the table already has these offsets
    }
    List<OffsetGaps.Gap> gaps = new ArrayList<>();
    batch.byPartition().forEach((partition, range) -> {
      Long held = highest.get(partition);
      if (held == null) {
        return;
      }
      if (range.first() <= held) {
        throw new ConfigError(config.jobName() + ": this batch holds offsets " + range.first() + ".." + range.last()
            + " of " + config.topic() + " partition " + partition + ", but " + table.name()
            + " already holds offsets up to " + held + ": another job writes this topic into this table (a second "
            + "copy with another checkpoint?); stop it, this one adds nothing");
      }
      if (range.first() > held + 1) {
        gaps.add(new OffsetGaps.Gap(partition, held + 1, range.first() - 1));
      }
    });
    if (!gaps.isEmpty()) {
      OffsetGaps.record(rows.sparkSession(), lake, config.exchange(), config.topic(), gaps, detectedBy);
      long lost = gaps.stream().mapToLong(OffsetGaps.Gap::missing).sum();
      JobMetrics.add(LakeMetric.OFFSETS_LOST, lost);
      LOG.warn("{}: {} offsets of {} were deleted by Kafka before bronze read them ({}); recorded in {}",
          config.jobName(), lost, config.topic(), gaps, Tables.OFFSET_GAPS);
    }
  }
}
