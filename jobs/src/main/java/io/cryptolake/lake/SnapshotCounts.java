package io.cryptolake.lake;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;

/** Counts Iceberg keeps in each snapshot's summary ({@link SnapshotSummary}'s properties), read in one way. */
public final class SnapshotCounts {
  private SnapshotCounts() {}

  /** A count of a snapshot's summary; 0 when there is no snapshot or the summary lacks it. */
  public static long of(Snapshot snapshot, String property) {
    return snapshot == null ? 0 : Long.parseLong(snapshot.summary().getOrDefault(property, "0"));
  }

  /** Rows in the table now (refreshed): the data files' rows less the rows position deletes remove. */
  public static long rows(Table table) {
    table.refresh();
    Snapshot current = table.currentSnapshot();
    return of(current, SnapshotSummary.TOTAL_RECORDS_PROP) - of(current, SnapshotSummary.TOTAL_POS_DELETES_PROP);
  }

  /** Data files in the table now (refreshed). */
  public static long dataFiles(Table table) {
    table.refresh();
    return of(table.currentSnapshot(), SnapshotSummary.TOTAL_DATA_FILES_PROP);
  }
}
