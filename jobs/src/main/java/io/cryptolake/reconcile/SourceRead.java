package io.cryptolake.reconcile;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.cryptolake.lake.TableDef;
import io.cryptolake.lake.Tables;
import io.cryptolake.streaming.StreamingReaders;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A source table's rows and which of them the job reading it has read: those written before its last
 * committed batch's end ({@link StreamingReaders#readUpTo}), by the table's written-at column.
 */
record SourceRead(Dataset<Row> all, Column isRead, Reconciliation.Behind behind) {
  Dataset<Row> rows() {
    return behind.rows() == 0 ? all : all.where(isRead);
  }

  static SourceRead of(Dataset<Row> all, TableDef def, Optional<StreamingReaders.ReadUpTo> upTo) {
    if (upTo.isEmpty()) {
      return new SourceRead(all, lit(true), Reconciliation.Behind.NONE);
    }
    long before = upTo.get().writtenBeforeMillis();
    Column isRead = before == Long.MIN_VALUE ? lit(false)
        : col(def.properties().get(Tables.WRITTEN_AT_COLUMN)).lt(lit(new Timestamp(before)));
    long pending = all.where(not(isRead)).count();
    Instant since = before == Long.MIN_VALUE ? null : Instant.ofEpochMilli(before);
    return new SourceRead(all, isRead, pending == 0 ? Reconciliation.Behind.NONE
        : new Reconciliation.Behind(upTo.get().query(), pending, since));
  }
}
