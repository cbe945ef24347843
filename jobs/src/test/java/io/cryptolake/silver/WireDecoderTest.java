package io.cryptolake.silver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.schemas.AvroBinary;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.SchemaRegistryClient;
import io.cryptolake.schemas.WireFormat;
import io.cryptolake.testing.TestLake;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/** Any byte sequence gets an outcome: the body in the reader schema, or one specific reason. */
class WireDecoderTest {
  private static final String REGISTRY = TestLake.servers().config().registryUrl();
  private static final Schema READER = Exchange.KRAKEN.rawSchema();
  private static final String TOPIC = "decoder-test";

  private final int v1 = new SchemaRegistryClient(REGISTRY).register(TOPIC + "-value", READER);
  private final WireDecoder decoder = new WireDecoder(READER, REGISTRY, Duration.ofSeconds(5));

  @Test
  void everyKindOfBytesHasAnOutcome() {
    byte[] body = AvroBinary.encode(trade(READER));
    byte[] framed = WireFormat.frame(v1, body);

    assertDecoded(decoder.call(framed, TOPIC), v1, body);
    assertFailed(decoder.call(null, TOPIC), null, "invalid_wire_format");
    assertFailed(decoder.call(new byte[0], TOPIC), null, "invalid_wire_format");
    assertFailed(decoder.call(new byte[] {0, 0, 0, 1}, TOPIC), null, "invalid_wire_format");
    byte[] badMagic = framed.clone();
    badMagic[0] = 7;
    assertFailed(decoder.call(badMagic, TOPIC), null, "invalid_wire_format");
    assertFailed(decoder.call(WireFormat.frame(2_000_000_123, body), TOPIC), 2_000_000_123, "unknown_schema_id");
    for (int cut = 0; cut < body.length; cut++) {
      assertFailed(decoder.call(WireFormat.frame(v1, Arrays.copyOf(body, cut)), TOPIC), v1, "avro_decode_failed");
    }
    byte[] trailing = Arrays.copyOf(framed, framed.length + 3);
    assertFailed(decoder.call(trailing, TOPIC), v1, "avro_decode_failed");
  }

  @Test
  void randomBodiesUnderARegisteredIdNeverThrow() {
    Random random = new Random(3);
    for (int i = 0; i < 5_000; i++) {
      byte[] garbage = new byte[random.nextInt(200)];
      random.nextBytes(garbage);
      Row outcome = decoder.call(WireFormat.frame(v1, garbage), TOPIC);
      if (outcome.getString(1) == null) {
        // Some random bytes are a valid record by chance; then they must be exactly that record's bytes.
        assertArrayEquals(garbage, (byte[]) outcome.get(2));
      } else {
        assertEquals("avro_decode_failed", outcome.getString(1));
      }
    }
  }

  @Test
  void aNewerWriterSchemaIsResolvedToTheReaderSchema() {
    Schema v2 = SilverPipelineTest.evolved(READER, "venue");
    int v2Id = new SchemaRegistryClient(REGISTRY).register(TOPIC + "-value", v2);
    GenericRecord record = trade(v2);
    record.put("venue", "spot");
    Row outcome = decoder.call(WireFormat.frame(v2Id, AvroBinary.encode(record)), TOPIC);
    assertDecoded(outcome, v2Id, AvroBinary.encode(trade(READER)));
  }

  /**
   * An id the registry knows whose schema this exchange's reader cannot use is unsupported_schema for every
   * record under it: a JSON or Protobuf schema in the same registry, an Avro schema that is not a record, an
   * unrelated record. None of them may throw.
   */
  @Test
  void schemasTheReaderCannotUseAreUnsupportedNotAnError() {
    SchemaRegistryClient registry = new SchemaRegistryClient(REGISTRY);
    String subject = TOPIC + "-other-value";
    int json = registry.register(subject, "JSON",
        "{\"$schema\":\"http://json-schema.org/draft-07/schema#\",\"type\":\"object\","
            + "\"properties\":{\"price\":{\"type\":\"string\"}}}");
    int protobuf = registry.register(TOPIC + "-proto-value", "PROTOBUF",
        "syntax = \"proto3\";\nmessage Trade {\n  string price = 1;\n  int64 trade_id = 2;\n}\n");
    int notARecord = registry.register(TOPIC + "-string-value", Schema.create(Schema.Type.STRING));
    int unrelated = registry.register(TOPIC + "-unrelated-value", new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"Quote\",\"fields\":[{\"name\":\"bid\",\"type\":\"double\"}]}"));
    byte[] body = AvroBinary.encode(trade(READER));
    for (int id : new int[] {json, protobuf, notARecord, unrelated}) {
      assertFailed(decoder.call(WireFormat.frame(id, body), TOPIC), id, "unsupported_schema");
      assertFailed(decoder.call(WireFormat.frame(id, new byte[0]), TOPIC), id, "unsupported_schema");
    }
  }

  @Test
  void eachSchemaIdIsLookedUpOncePerJvm() {
    RegistrySchemas schemas = RegistrySchemas.forRegistry(REGISTRY);
    byte[] framed = WireFormat.frame(v1, AvroBinary.encode(trade(READER)));
    decoder.call(framed, TOPIC);
    long before = schemas.lookups();
    for (int i = 0; i < 1_000; i++) {
      decoder.call(framed, TOPIC);
    }
    assertEquals(before, schemas.lookups());
  }

  @Test
  void anUnreachableRegistryIsAnErrorNotADlqReason() {
    WireDecoder unreachable = new WireDecoder(READER, "http://127.0.0.1:1/apis/ccompat/v7", Duration.ofMillis(500));
    byte[] framed = WireFormat.frame(v1, AvroBinary.encode(trade(READER)));
    assertThrows(SchemaRegistryClient.RegistryUnavailableException.class, () -> unreachable.call(framed, TOPIC));
  }

  /**
   * A registry that answers 404 for an id and does not know the topic's subject either has lost its data (or
   * is the wrong one): that fails like an outage instead of sending the stream to the DLQ. With the subject
   * known, a 404 is a genuinely unknown id.
   */
  @Test
  void aRegistryWithoutTheTopicsSubjectIsAnErrorNotAnUnknownId() {
    byte[] unknownId = WireFormat.frame(2_000_000_456, AvroBinary.encode(trade(READER)));
    SchemaRegistryClient.RegistryUnavailableException e = assertThrows(
        SchemaRegistryClient.RegistryUnavailableException.class, () -> decoder.call(unknownId, "never-registered"));
    assertTrue(e.getMessage().contains("never-registered-value"), e.getMessage());
    assertFailed(decoder.call(unknownId, TOPIC), 2_000_000_456, "unknown_schema_id");
  }

  private static GenericRecord trade(Schema schema) {
    GenericRecord r = new GenericData.Record(schema);
    r.put("symbol", "ETH/USD");
    r.put("side", "sell");
    r.put("price", "3400.12345678901234");
    r.put("qty", "12.000000001");
    r.put("ord_type", "market");
    r.put("trade_id", 42L);
    r.put("timestamp", "2026-11-21T18:07:36.123456Z");
    r.put("ingestion_timestamp", 1_795_284_456_123_456L);
    return r;
  }

  private static void assertDecoded(Row outcome, int schemaId, byte[] readerBody) {
    assertEquals(schemaId, outcome.getInt(0));
    assertNull(outcome.getString(1));
    assertArrayEquals(readerBody, (byte[]) outcome.get(2));
  }

  private static void assertFailed(Row outcome, Integer schemaId, String reason) {
    assertEquals(schemaId, outcome.isNullAt(0) ? null : outcome.getInt(0));
    assertEquals(reason, outcome.getString(1));
    assertNull(outcome.get(2));
  }
}
