package io.cryptolake.maintain;

import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.SnapshotCounts;
import io.cryptolake.lake.TableDef;
import io.cryptolake.lake.Tables;
import io.cryptolake.metrics.Progress;
import io.cryptolake.streaming.StreamingReaders;
import java.io.PrintStream;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.types.Type;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Table hygiene with Iceberg's own procedures, safe while the streaming jobs write: retention deletes are cut
 * at a day boundary (whole partitions, metadata-only where the partitioning allows) and touch only old data,
 * which no streaming append adds; compaction and snapshot expiry commit as their own snapshots, which
 * streaming readers skip; orphan removal only considers files older than a few days.
 */
public final class TableMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);
  private static final int MANIFEST_ATTEMPTS = 5;

  private TableMaintenance() {}

  /**
   * What was done to one table. {@code heldBack}: what was kept for a streaming reader that has not read it
   * yet, and for which query; null when nothing was.
   */
  public record TableReport(String table, Integer retentionDays, long rowsDeleted, long rowsArchived,
      long expiredFilesDeleted, long filesBefore, long filesAfter, long orphansRemoved, String heldBack) {}

  public static List<TableReport> run(SparkSession spark, LakeConfig lake, MaintainOptions options) {
    LakeCatalog catalog = new LakeCatalog(spark, lake);
    StreamingReaders readers = StreamingReaders.under(options.checkpointRoot(),
        spark.sparkContext().hadoopConfiguration());
    List<TableReport> reports = new ArrayList<>();
    for (TableDef def : Tables.all(options.exchanges())) {
      if (options.includes(def.name()) && catalog.exists(def.name())) {
        try (Progress step = Progress.step("maintain: %s", def.name())) {
          reports.add(maintain(spark, lake, catalog, def, options, readers));
        }
      }
    }
    if (reports.isEmpty()) {
      throw catalog.missing(options.tables().isEmpty()
          ? "no table of the lake (" + lake.namespace() + ".bronze_*, silver_*, gold_*) exists"
          : "none of the tables to maintain (" + String.join(", ", options.tables()) + ") exists in " + lake.namespace());
    }
    return reports;
  }

  private static TableReport maintain(SparkSession spark, LakeConfig lake, LakeCatalog catalog, TableDef def,
      MaintainOptions options, StreamingReaders readers) {
    Table table = catalog.load(def.name());
    Optional<StreamingReaders.Held> held = readers.oldestNeeded(table);
    String name = lake.qualified(def.name());
    String procedures = lake.catalogName() + ".system";
    // With its catalog: a procedure first tries an identifier's first part as a catalog, and logged a warning
    // with a stack trace ("Failed to load catalog: market_data") for every call without it.
    String id = name;
    long archived = 0;
    if (def.name().equals(Tables.DLQ) && options.archiveDlqAfterDays() != null) {
      archived = archiveDlq(spark, lake, catalog, options.archiveDlqAfterDays());
    }
    Integer days = options.retentionDays().containsKey(def.name()) ? options.retentionDays().get(def.name())
        : retentionDays(table);
    long deleted = 0;
    String writtenAt = def.properties().get(Tables.WRITTEN_AT_COLUMN);
    if (days != null) {
      long before = SnapshotCounts.rows(table);
      // Old by the retention column, written before what the slowest reader has read, and before the
      // source table's retention (so every source row still has its outcome).
      String read = held.isEmpty() || writtenAt == null ? "" : " AND " + writtenAt + " < TIMESTAMP '"
          + Instant.ofEpochMilli(Math.max(0, held.get().parentMillis())) + "'";
      spark.sql("DELETE FROM " + name + " WHERE " + olderThan(table, days) + read
          + sourceRetained(catalog, def, writtenAt, options));
      deleted = before - SnapshotCounts.rows(table);
    }
    long filesBefore = SnapshotCounts.dataFiles(table);
    if (options.compact() && filesBefore > 1) {
      spark.sql("CALL " + procedures + ".rewrite_data_files(table => '" + id + "', options => map("
          + "'min-input-files', '" + options.minInputFiles() + "', 'partial-progress.enabled', 'true'))");
      rewriteManifests(spark, procedures, id);
    }
    long filesAfter = SnapshotCounts.dataFiles(table);
    // A snapshot a streaming reader still reads from stays, and every one after it; so does a writer's latest.
    table.refresh();
    SnapshotExpiry.Cutoff cutoff = SnapshotExpiry.cutoff(table, options.expireOlderThan(), readers, Instant.now());
    Row expired = spark.sql("CALL " + procedures + ".expire_snapshots(table => '" + id + "', older_than => TIMESTAMP '"
        + Instant.ofEpochMilli(cutoff.millis()) + "', retain_last => " + options.retainLast() + ")").first();
    long orphans = spark.sql("CALL " + procedures + ".remove_orphan_files(table => '" + id + "', older_than => TIMESTAMP '"
        + Timestamp.from(Instant.now().minus(options.orphanOlderThan())) + "')").count();
    // Said only where the reader is behind what would otherwise go: caught-up readers hold nothing back.
    boolean heldRows = held.isPresent() && days != null && writtenAt != null
        && held.get().parentMillis() < LocalDate.now(ZoneOffset.UTC).minusDays(days).atStartOfDay(ZoneOffset.UTC)
            .toInstant().toEpochMilli();
    String rowsHeld = heldRows ? "rows written from " + Instant.ofEpochMilli(Math.max(0, held.get().parentMillis()))
        + " kept: " + held.get().query() + " has not read past them" : null;
    String heldBack = cutoff.heldBy() == null ? rowsHeld
        : rowsHeld == null ? cutoff.heldBy() : cutoff.heldBy() + "; " + rowsHeld;
    TableReport report = new TableReport(name, days, deleted, archived, countOf(expired), filesBefore, filesAfter,
        orphans, heldBack);
    LOG.info("maintained {}", report);
    return report;
  }

  /** Moves DLQ rows older than the threshold into the archive (rows it already has are not copied twice). */
  private static long archiveDlq(SparkSession spark, LakeConfig lake, LakeCatalog catalog, int afterDays) {
    catalog.ensure(Tables.dlqArchive());
    String dlq = lake.qualified(Tables.DLQ);
    String archive = lake.qualified(Tables.DLQ_ARCHIVE);
    String old = "dlq_date < DATE '" + LocalDate.now(ZoneOffset.UTC).minusDays(afterDays) + "'";
    long before = SnapshotCounts.rows(catalog.load(Tables.DLQ_ARCHIVE));
    spark.sql("MERGE INTO " + archive + " a USING (SELECT * FROM " + dlq + " WHERE " + old + ") d "
        + "ON a.bronze_source = d.bronze_source AND a.kafka_topic = d.kafka_topic "
        + "AND a.kafka_partition = d.kafka_partition AND a.kafka_offset = d.kafka_offset "
        + "WHEN NOT MATCHED THEN INSERT *");
    spark.sql("DELETE FROM " + dlq + " WHERE " + old);
    return SnapshotCounts.rows(catalog.load(Tables.DLQ_ARCHIVE)) - before;
  }

  /**
   * Iceberg's rewrite_manifests fails, rather than retry, when a concurrent append merged some of the manifests
   * it replaces (a streaming job's append merges them every {@code commit.manifest-merge.min-count-to-merge}
   * commits): a race with the jobs, not an error, so it runs again on the new snapshot.
   */
  private static void rewriteManifests(SparkSession spark, String procedures, String id) {
    for (int attempt = 1; ; attempt++) {
      try {
        spark.sql("CALL " + procedures + ".rewrite_manifests(table => '" + id + "')");
        return;
      } catch (ValidationException raced) {
        if (attempt == MANIFEST_ATTEMPTS) {
          throw raced;
        }
        LOG.info("{}: a job's commit changed the manifests during rewrite_manifests ({}); rewriting again", id,
            raced.getMessage());
      }
    }
  }

  /** " AND" the row was written before its source table's retention, when the table has a source. */
  private static String sourceRetained(LakeCatalog catalog, TableDef def, String writtenAt, MaintainOptions options) {
    String source = def.properties().get(Tables.RETENTION_SOURCE);
    if (source == null || writtenAt == null || !catalog.exists(source)) {
      return "";
    }
    Integer days = options.retentionDays().containsKey(source) ? options.retentionDays().get(source)
        : retentionDays(catalog.load(source));
    // A source kept forever: its rows always need theirs.
    return days == null ? " AND false"
        : " AND " + writtenAt + " < TIMESTAMP '" + LocalDate.now(ZoneOffset.UTC).minusDays(days) + " 00:00:00'";
  }

  /** Rows older than {@code days} whole days before today (UTC), on the table's retention column. */
  static String olderThan(Table table, int days) {
    String column = table.properties().get(Tables.RETENTION_COLUMN);
    LocalDate cutoff = LocalDate.now(ZoneOffset.UTC).minusDays(days);
    Type type = table.schema().findType(column);
    return column + (type.typeId() == Type.TypeID.DATE ? " < DATE '" + cutoff + "'"
        : " < TIMESTAMP '" + cutoff + " 00:00:00'");
  }

  private static Integer retentionDays(Table table) {
    String days = table.properties().get(Tables.RETENTION_DAYS);
    return days == null ? null : Integer.valueOf(days);
  }

  private static long countOf(Row procedureResult) {
    long total = 0;
    for (int i = 0; i < procedureResult.length(); i++) {
      if (procedureResult.get(i) instanceof Long n && procedureResult.schema().fields()[i].name().contains("count")) {
        total += n;
      }
    }
    return total;
  }

  public static void print(List<TableReport> reports, PrintStream out) {
    out.printf("  %-46s %9s %10s %9s %13s %12s %14s %8s%n", "table", "retention", "deleted", "archived",
        "data files", "compacted to", "expired files", "orphans");
    for (TableReport r : reports) {
      out.printf("  %-46s %9s %,10d %,9d %,13d %,12d %,14d %,8d%n", r.table(),
          r.retentionDays() == null ? "forever" : r.retentionDays() + " d", r.rowsDeleted(), r.rowsArchived(),
          r.filesBefore(), r.filesAfter(), r.expiredFilesDeleted(), r.orphansRemoved());
    }
    reports.stream().filter(r -> r.heldBack() != null)
        .forEach(r -> out.printf("  held back in %s: %s%n", r.table(), r.heldBack()));
  }
}
