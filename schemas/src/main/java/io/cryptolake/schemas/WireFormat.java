package io.cryptolake.schemas;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The Confluent Schema Registry wire format: byte 0 is the magic 0x00, bytes 1-4 the schema id (big-endian
 * int32), then the Avro binary body written with that schema.
 */
public final class WireFormat {
  public static final byte MAGIC = 0x00;
  public static final int HEADER_LENGTH = 5;

  private WireFormat() {}

  public static byte[] frame(int schemaId, byte[] avroBody) {
    return ByteBuffer.allocate(HEADER_LENGTH + avroBody.length)
        .put(MAGIC)
        .putInt(schemaId)
        .put(avroBody)
        .array();
  }

  /** True when the bytes carry the header: at least five bytes and the magic byte. */
  public static boolean isFramed(byte[] value) {
    return value != null && value.length >= HEADER_LENGTH && value[0] == MAGIC;
  }

  /** The schema id of a framed value; call {@link #isFramed} first. */
  public static int schemaId(byte[] value) {
    return ByteBuffer.wrap(value, 1, 4).getInt();
  }

  /** The Avro body of a framed value; call {@link #isFramed} first. */
  public static byte[] body(byte[] value) {
    return Arrays.copyOfRange(value, HEADER_LENGTH, value.length);
  }
}
