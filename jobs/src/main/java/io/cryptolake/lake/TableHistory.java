package io.cryptolake.lake;

import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.util.SnapshotUtil;

/**
 * A table's snapshots as an operator reads them: when, what operation, which job and batch wrote it (from the
 * product's commit markers, or Iceberg's streaming sink's query and epoch), rows added and deleted, and the
 * table's rows and bytes after each; then the table's current size.
 */
public final class TableHistory {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
      .withZone(ZoneOffset.UTC);
  /** What Iceberg's Spark streaming sink records on its commits (bronze's, before it used commit markers). */
  private static final String SINK_QUERY = "spark.sql.streaming.queryId";
  private static final String SINK_EPOCH = "spark.sql.streaming.epochId";

  private TableHistory() {}

  public static void print(String name, Table table, int last, PrintStream out) {
    // The table's own line of snapshots: a staged write that was never published (a second copy's) is not in it.
    List<Snapshot> snapshots = new ArrayList<>();
    SnapshotUtil.currentAncestors(table).forEach(snapshots::add);
    Collections.reverse(snapshots);
    Snapshot current = table.currentSnapshot();
    Map<String, String> now = current == null ? Map.of() : current.summary();
    out.printf("%s: %s rows in %s data files, %s; %d snapshots%s%n", name,
        count(now.get(SnapshotSummary.TOTAL_RECORDS_PROP)), count(now.get(SnapshotSummary.TOTAL_DATA_FILES_PROP)),
        bytes(now.get(SnapshotSummary.TOTAL_FILE_SIZE_PROP)), snapshots.size(),
        snapshots.size() > last ? " (the last " + last + " shown)" : "");
    if (snapshots.isEmpty()) {
      return;
    }
    out.printf("  %-19s  %-20s  %-9s  %-26s  %8s  %10s  %10s  %12s  %10s%n", "committed (UTC)", "snapshot",
        "operation", "writer", "batch", "added", "deleted", "rows after", "size after");
    for (Snapshot s : snapshots.subList(Math.max(0, snapshots.size() - last), snapshots.size())) {
      Map<String, String> summary = s.summary();
      out.printf("  %-19s  %-20d  %-9s  %-26s  %8s  %10s  %10s  %12s  %10s%n",
          TIME.format(Instant.ofEpochMilli(s.timestampMillis())), s.snapshotId(), s.operation(), writer(summary),
          batch(summary), count(summary.get(SnapshotSummary.ADDED_RECORDS_PROP)),
          count(summary.get(SnapshotSummary.DELETED_RECORDS_PROP)),
          count(summary.get(SnapshotSummary.TOTAL_RECORDS_PROP)),
          bytes(summary.get(SnapshotSummary.TOTAL_FILE_SIZE_PROP)));
    }
  }

  static String writer(Map<String, String> summary) {
    String published = summary.getOrDefault(SnapshotSummary.PUBLISHED_WAP_ID_PROP, "");
    // A batch published on top of another writer's commit keeps only its staged-write id, writer@batch.
    String writer = summary.getOrDefault(CommitMarkers.WRITER,
        published.contains("@") ? published.substring(0, published.lastIndexOf('@')) : null);
    if (writer != null) {
      // job:query-id; the id's first 8 characters tell the query's runs apart, as in Spark's UI.
      int colon = writer.indexOf(':');
      String shown = colon < 0 ? writer : writer.substring(0, Math.min(writer.length(), colon + 9));
      return summary.containsKey(CommitMarkers.LATE_MERGE) ? shown + " (late rows)" : shown;
    }
    if (summary.containsKey(SINK_QUERY)) {
      String id = summary.get(SINK_QUERY);
      return "streaming sink " + id.substring(0, Math.min(8, id.length()));
    }
    return summary.getOrDefault("spark.app.id", "-");
  }

  private static String batch(Map<String, String> summary) {
    String published = summary.getOrDefault(SnapshotSummary.PUBLISHED_WAP_ID_PROP, "");
    if (!summary.containsKey(CommitMarkers.BATCH_ID) && published.contains("@")) {
      return published.substring(published.lastIndexOf('@') + 1);
    }
    return summary.getOrDefault(CommitMarkers.BATCH_ID, summary.getOrDefault(SINK_EPOCH, "-"));
  }

  private static String count(String value) {
    return value == null ? "-" : String.format("%,d", Long.parseLong(value));
  }

  static String bytes(String value) {
    if (value == null) {
      return "-";
    }
    double b = Long.parseLong(value);
    String[] units = {"B", "KB", "MB", "GB", "TB"};
    int unit = 0;
    while (b >= 1024 && unit < units.length - 1) {
      b /= 1024;
      unit++;
    }
    return unit == 0 ? String.format("%.0f B", b) : String.format("%.1f %s", b, units[unit]);
  }
}
