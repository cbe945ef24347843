package io.cryptolake.streaming;

import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.udf;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF0;
import org.apache.spark.sql.types.DataTypes;

/**
 * A batch's time as a column, one value for every row, that leaves the batch's generated code as the last
 * batch's. Spark writes a timestamp literal into the Java code it generates for a stage, and
 * {@code current_timestamp()} becomes such a literal in every micro-batch (and every batch query): each batch
 * then compiled its stages anew, on the driver and again in each executor, and the JIT compiled the new classes
 * (docs/benchmarks.md, round 15). A function that returns the value is referenced by the code, not written
 * into it, so Spark's cache of compiled code serves every batch after the first.
 */
public final class BatchClock {
  private BatchClock() {}

  /** The current time, to the microsecond. */
  public static Column now() {
    return at(Instant.now());
  }

  /** {@code instant}, to the microsecond, as a non-null timestamp column. */
  public static Column at(Instant instant) {
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    return timestamp_micros(udf((UDF0<Long>) () -> micros, DataTypes.LongType).asNonNullable().apply());
  }
}
