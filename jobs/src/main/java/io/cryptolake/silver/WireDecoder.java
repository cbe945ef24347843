package io.cryptolake.silver;

import io.cryptolake.schemas.DlqReason;
import io.cryptolake.schemas.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Turns any byte sequence into an outcome: either the Avro body in the reader schema (resolved from the
 * writer schema the id names, so a producer that added an optional field keeps flowing), or the
 * deserialization reason. Nothing a record carries makes it throw: only a registry that cannot be asked does. Spark then converts the body with spark-avro's {@code from_avro}.
 */
public final class WireDecoder implements UDF2<byte[], String, Row>, Serializable {
  public static final StructType RESULT = new StructType()
      .add("schema_id", DataTypes.IntegerType)
      .add("decode_error", DataTypes.StringType)
      .add("avro_body", DataTypes.BinaryType);

  static {
    // A corrupt length prefix must fail as a decode error, not as an attempt to allocate gigabytes.
    System.setProperty("org.apache.avro.limits.string.maxLength",
        System.getProperty("org.apache.avro.limits.string.maxLength", "1048576"));
    System.setProperty("org.apache.avro.limits.bytes.maxLength",
        System.getProperty("org.apache.avro.limits.bytes.maxLength", "1048576"));
    System.setProperty("org.apache.avro.limits.collectionItems.maxLength",
        System.getProperty("org.apache.avro.limits.collectionItems.maxLength", "100000"));
  }

  private final String readerSchemaJson;
  private final String registryUrl;
  private final long registryMaxWaitMillis;
  private transient Schema reader;
  private transient Map<Schema, Resolution> resolutions;

  public WireDecoder(Schema readerSchema, String registryUrl, Duration registryMaxWait) {
    this.readerSchemaJson = readerSchema.toString();
    this.registryUrl = registryUrl;
    this.registryMaxWaitMillis = registryMaxWait.toMillis();
  }

  @Override
  public Row call(byte[] value, String topic) {
    if (!WireFormat.isFramed(value)) {
      return failed(null, DlqReason.INVALID_WIRE_FORMAT);
    }
    int schemaId = WireFormat.schemaId(value);
    RegistrySchemas.WriterSchema writer = RegistrySchemas.forRegistry(registryUrl)
        .writerSchema(schemaId, topic + "-value", Duration.ofMillis(registryMaxWaitMillis));
    if (writer.problem() != null) {
      return failed(schemaId, writer.problem());
    }
    Resolution resolution = resolution(writer.schema());
    if (!resolution.resolvable) {
      return failed(schemaId, DlqReason.UNSUPPORTED_SCHEMA);
    }
    try {
      return RowFactory.create(schemaId, null, toReaderBody(resolution, value));
    } catch (IOException | RuntimeException e) {
      return failed(schemaId, DlqReason.AVRO_DECODE_FAILED);
    }
  }

  private static Row failed(Integer schemaId, DlqReason reason) {
    return RowFactory.create(schemaId, reason.reason(), null);
  }

  /** The body in the reader schema: the same bytes when the writer is the reader, re-encoded otherwise. */
  private static byte[] toReaderBody(Resolution resolution, byte[] value) throws IOException {
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(value, WireFormat.HEADER_LENGTH,
        value.length - WireFormat.HEADER_LENGTH, null);
    GenericRecord record = resolution.datumReader.read(null, decoder);
    if (!decoder.isEnd()) {
      throw new IOException("bytes left after the record");
    }
    if (resolution.writerIsReader) {
      return WireFormat.body(value);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(value.length);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    resolution.datumWriter.write(record, encoder);
    encoder.flush();
    return out.toByteArray();
  }

  /**
   * Reader and writer for one writer schema, built once per task instead of once per row. A writer schema
   * the reader cannot resolve (not a record, or an unrelated one) is unsupported for every record under it.
   */
  private Resolution resolution(Schema writer) {
    if (reader == null) {
      reader = new Schema.Parser().parse(readerSchemaJson);
      resolutions = new IdentityHashMap<>();
    }
    return resolutions.computeIfAbsent(writer, w -> new Resolution(
        new GenericDatumReader<>(w, reader), new GenericDatumWriter<>(reader),
        SchemaNormalization.parsingFingerprint64(w) == SchemaNormalization.parsingFingerprint64(reader),
        w.getType() == Schema.Type.RECORD && SchemaCompatibility.checkReaderWriterCompatibility(reader, w)
            .getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE));
  }

  private record Resolution(GenericDatumReader<GenericRecord> datumReader,
      GenericDatumWriter<GenericRecord> datumWriter, boolean writerIsReader, boolean resolvable) {}
}
