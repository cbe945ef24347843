package io.cryptolake.gold;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * How gold's de-duplication state is laid out, read from the checkpoint it goes on with. Spark keeps a stateful
 * operator's key and value schemas in the checkpoint and refuses to run one with others, so a checkpoint started
 * with one entry per key keeps that layout ({@link PerKeyDeduplicator}); a new checkpoint, or one rebuilt with
 * {@code --from-scratch}, has one entry per symbol ({@link PerSymbolDeduplicator}).
 */
enum DeduplicationLayout {
  PER_KEY,
  PER_SYMBOL;

  /** Where Spark keeps the schemas of the state of operator 0 (gold's only one), partition 0. */
  private static final String SCHEMA_FILE = "state/0/0/_metadata/schema";
  /** The per-key layout's key schema: one string column, "value" (the key function's, then the column's). */
  private static final String PER_KEY_SCHEMA =
      "{\"type\":\"struct\",\"fields\":[{\"name\":\"value\",\"type\":\"string\"";

  static DeduplicationLayout of(SparkSession spark, String checkpoint) {
    return of(spark, checkpoint, PER_SYMBOL);
  }

  /** The checkpoint's layout, {@code ifNew} for a checkpoint whose state has none yet. */
  static DeduplicationLayout of(SparkSession spark, String checkpoint, DeduplicationLayout ifNew) {
    Path schema = new Path(checkpoint, SCHEMA_FILE);
    try {
      FileSystem fs = schema.getFileSystem(spark.sessionState().newHadoopConf());
      if (!fs.exists(schema)) {
        return ifNew;
      }
      try (InputStream in = fs.open(schema)) {
        String schemas = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        return schemas.contains(PER_KEY_SCHEMA) ? PER_KEY : PER_SYMBOL;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read gold's state schema " + schema, e);
    }
  }
}
