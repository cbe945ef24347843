package io.cryptolake.producers.synthetic;

import io.cryptolake.schemas.DlqReason;
import io.cryptolake.schemas.WireFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.avro.generic.GenericRecord;

/**
 * The kinds of bad record the synthetic producer can send, one per record, each with the DLQ reason
 * silver must give it (the first failing rule of spec section 4). Record faults change a field before
 * encoding; wire faults change the framed bytes.
 */
public enum FaultKind {
  NEGATIVE_PRICE(DlqReason.PRICE_MUST_BE_POSITIVE) {
    @Override
    void corrupt(GenericRecord r, SyntheticExchange x, Random rnd) {
      r.put(x.priceField(), "-" + r.get(x.priceField()));
    }
  },
  ZERO_PRICE(DlqReason.PRICE_MUST_BE_POSITIVE) {
    @Override
    void corrupt(GenericRecord r, SyntheticExchange x, Random rnd) {
      r.put(x.priceField(), pick(rnd, "0", "0.00000000", "-0.0"));
    }
  },
  NON_NUMERIC_PRICE(DlqReason.PRICE_NOT_NUMERIC) {
    @Override
    void corrupt(GenericRecord r, SyntheticExchange x, Random rnd) {
      r.put(x.priceField(), pick(rnd, NOT_NUMBERS));
    }
  },
  OVERSIZED_PRICE(DlqReason.PRICE_OUT_OF_RANGE) {
    @Override
    void corrupt(GenericRecord r, SyntheticExchange x, Random rnd) {
      r.put(x.priceField(), pick(rnd, TOO_BIG));
    }
  },
  NEGATIVE_QUANTITY(DlqReason.QUANTITY_MUST_BE_POSITIVE) {
    @Override
    void corrupt(GenericRecord r, SyntheticExchange x, Random rnd) {
      r.put(x.quantityField(), "-" + r.get(x.quantityField()));
    }
  },
  ZERO_QUANTITY(DlqReason.QUANTITY_MUST_BE_POSITIVE) {
    @Override
    void corrupt(GenericRecord r, SyntheticExchange x, Random rnd) {
      r.put(x.quantityField(), pick(rnd, "0", "0.00000000"));
    }
  },
  NON_NUMERIC_QUANTITY(DlqReason.QUANTITY_NOT_NUMERIC) {
    @Override
    void corrupt(GenericRecord r, SyntheticExchange x, Random rnd) {
      r.put(x.quantityField(), pick(rnd, NOT_NUMBERS));
    }
  },
  OVERSIZED_QUANTITY(DlqReason.QUANTITY_OUT_OF_RANGE) {
    @Override
    void corrupt(GenericRecord r, SyntheticExchange x, Random rnd) {
      r.put(x.quantityField(), pick(rnd, TOO_BIG));
    }
  },
  BLANK_SYMBOL(DlqReason.SYMBOL_REQUIRED) {
    @Override
    void corrupt(GenericRecord r, SyntheticExchange x, Random rnd) {
      r.put(x.symbolField(), pick(rnd, "", "   "));
    }
  },
  UNKNOWN_SIDE(DlqReason.INVALID_SIDE) {
    @Override
    boolean appliesTo(SyntheticExchange x) {
      return x.sideField().isPresent();
    }

    @Override
    void corrupt(GenericRecord r, SyntheticExchange x, Random rnd) {
      r.put(x.sideField().orElseThrow(), pick(rnd, "hold", "", "b"));
    }
  },
  FUTURE_TIMESTAMP(DlqReason.TIMESTAMP_IN_FUTURE) {
    @Override
    void corrupt(GenericRecord r, SyntheticExchange x, Random rnd) {
      x.setTradeTime(r, ingestion(r).plus(Duration.ofMinutes(5 + rnd.nextInt(600))));
    }
  },
  OLD_TIMESTAMP(DlqReason.TIMESTAMP_TOO_OLD) {
    @Override
    void corrupt(GenericRecord r, SyntheticExchange x, Random rnd) {
      x.setTradeTime(r, ingestion(r).minus(Duration.ofDays(366 + rnd.nextInt(1000))));
    }
  },
  BAD_MAGIC_BYTE(DlqReason.INVALID_WIRE_FORMAT) {
    @Override
    byte[] frame(int schemaId, byte[] body, Random rnd) {
      byte[] framed = WireFormat.frame(schemaId, body);
      framed[0] = (byte) (1 + rnd.nextInt(255));
      return framed;
    }
  },
  SHORT_MESSAGE(DlqReason.INVALID_WIRE_FORMAT) {
    @Override
    byte[] frame(int schemaId, byte[] body, Random rnd) {
      return Arrays.copyOf(WireFormat.frame(schemaId, body), rnd.nextInt(WireFormat.HEADER_LENGTH));
    }
  },
  TRUNCATED_AVRO(DlqReason.AVRO_DECODE_FAILED) {
    @Override
    byte[] frame(int schemaId, byte[] body, Random rnd) {
      // Avro reads every field of the record, so any cut short of the end fails to decode.
      return WireFormat.frame(schemaId, Arrays.copyOf(body, rnd.nextInt(body.length)));
    }
  },
  UNREGISTERED_SCHEMA_ID(DlqReason.UNKNOWN_SCHEMA_ID) {
    @Override
    byte[] frame(int schemaId, byte[] body, Random rnd) {
      return WireFormat.frame(UNREGISTERED_ID_BASE + rnd.nextInt(1000), body);
    }
  };

  /** Far above any id a registry hands out in this product's lifetime. */
  static final int UNREGISTERED_ID_BASE = 2_000_000_000;

  private static final String[] NOT_NUMBERS = {"abc", "12,5", "NaN", "1.2.3", "0x1F", "", "Infinity", "--1"};
  /** More than the 20 integer digits or the 18 decimals that decimal(38,18) holds. */
  private static final String[] TOO_BIG = {
      "123456789012345678901.5", "99999999999999999999999999", "100000000000000000000", "0.0000000000000000001"};

  private final DlqReason expectedReason;

  FaultKind(DlqReason expectedReason) {
    this.expectedReason = expectedReason;
  }

  public DlqReason expectedReason() {
    return expectedReason;
  }

  boolean appliesTo(SyntheticExchange exchange) {
    return true;
  }

  /** Changes the decoded record (record faults). */
  void corrupt(GenericRecord record, SyntheticExchange exchange, Random random) {}

  /** Frames the body (wire faults change the bytes here). */
  byte[] frame(int schemaId, byte[] body, Random random) {
    return WireFormat.frame(schemaId, body);
  }

  static List<FaultKind> applicableTo(SyntheticExchange exchange) {
    return Arrays.stream(values()).filter(k -> k.appliesTo(exchange)).toList();
  }

  private static Instant ingestion(GenericRecord record) {
    long micros = (Long) record.get("ingestion_timestamp");
    return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000);
  }

  private static String pick(Random random, String... values) {
    return values[random.nextInt(values.length)];
  }
}
