package io.cryptolake.gold;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/** What the de-duplicator decided for one silver row. */
enum Disposition {
  /** First time this key is seen, on time: appended to gold. */
  NEW,
  /** The key is in the de-duplication state: removed. */
  DUPLICATE,
  /**
   * Not in the state and older than the watermark: the state may have forgotten the key, so the row is
   * written through with a check against gold itself (a MERGE that inserts only when the key is absent).
   */
  LATE;

  /** The row with this disposition as its last column. */
  Row appendedTo(Row row) {
    Object[] values = new Object[row.length() + 1];
    for (int i = 0; i < row.length(); i++) {
      values[i] = row.get(i);
    }
    values[row.length()] = name();
    return RowFactory.create(values);
  }
}
