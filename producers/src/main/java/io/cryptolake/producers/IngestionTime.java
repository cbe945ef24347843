package io.cryptolake.producers;

import java.time.Instant;
import org.apache.avro.generic.GenericRecord;

/** The producer's own field of every raw record: when it took the trade, as Avro timestamp-micros. */
public final class IngestionTime {
  public static final String FIELD = "ingestion_timestamp";

  private IngestionTime() {}

  public static void stamp(GenericRecord record, Instant at) {
    record.put(FIELD, Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000));
  }
}
