package io.cryptolake.maintain;

import io.cryptolake.schemas.Exchange;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What the maintenance job does. Retention comes from each table's {@code cryptolake.retention-days}
 * property unless overridden here (table name to days). Snapshots older than {@code expireOlderThan} (null:
 * the table's snapshot age, {@link SnapshotExpiry#age}) are expired, keeping the last {@code retainLast} and what
 * a streaming job still needs ({@link SnapshotExpiry#cutoff}); tables are compacted when a partition has at least
 * {@code minInputFiles} small files; files no snapshot references and older than {@code orphanOlderThan}
 * are removed. With {@code archiveDlqAfterDays}, DLQ rows older than that move to the archive table first.
 * With {@code checkpointRoot}, nothing a streaming query under it has not read yet is expired or deleted.
 * With {@code tables} (names without the namespace), only those tables are maintained; empty: every table.
 */
public record MaintainOptions(List<Exchange> exchanges, Map<String, Integer> retentionDays,
    Integer archiveDlqAfterDays, Duration expireOlderThan, int retainLast, boolean compact, int minInputFiles,
    Duration orphanOlderThan, String checkpointRoot, List<String> tables) {

  public static MaintainOptions defaults() {
    return new MaintainOptions(List.of(Exchange.values()), Map.of(), null, null, SnapshotExpiry.RETAIN_LAST, true, 5,
        Duration.ofDays(3), null, List.of());
  }

  public MaintainOptions withCheckpointRoot(String root) {
    return new MaintainOptions(exchanges, retentionDays, archiveDlqAfterDays, expireOlderThan, retainLast, compact,
        minInputFiles, orphanOlderThan, root, tables);
  }

  /** Whether {@code table} is one this run maintains. */
  public boolean includes(String table) {
    return tables.isEmpty() || tables.stream().anyMatch(t -> t.trim().equalsIgnoreCase(table));
  }
}
