package io.cryptolake.schemas;

import java.util.Locale;

/**
 * Every dead-letter reason of spec section 4, in rule order (the order that decides a record's first
 * {@code error_reason}), with the {@code error_type} it belongs to. The DLQ table stores the lower-case
 * names; the validation library evaluates the rules; producers use them to say what they expect.
 */
public enum DlqReason {
  INVALID_WIRE_FORMAT(ErrorType.DESERIALIZATION),
  UNKNOWN_SCHEMA_ID(ErrorType.DESERIALIZATION),
  AVRO_DECODE_FAILED(ErrorType.DESERIALIZATION),
  UNSUPPORTED_SCHEMA(ErrorType.DESERIALIZATION),
  PRICE_NOT_NUMERIC(ErrorType.PRICE_VALIDATION),
  PRICE_OUT_OF_RANGE(ErrorType.PRICE_VALIDATION),
  PRICE_MUST_BE_POSITIVE(ErrorType.PRICE_VALIDATION),
  QUANTITY_NOT_NUMERIC(ErrorType.QUANTITY_VALIDATION),
  QUANTITY_OUT_OF_RANGE(ErrorType.QUANTITY_VALIDATION),
  QUANTITY_MUST_BE_POSITIVE(ErrorType.QUANTITY_VALIDATION),
  SYMBOL_REQUIRED(ErrorType.SYMBOL_VALIDATION),
  INVALID_SIDE(ErrorType.SIDE_VALIDATION),
  TIMESTAMP_IN_FUTURE(ErrorType.TIMESTAMP_VALIDATION),
  TIMESTAMP_TOO_OLD(ErrorType.TIMESTAMP_VALIDATION),
  TRADE_ID_REQUIRED(ErrorType.TRADE_ID_VALIDATION),
  MESSAGE_ID_REQUIRED(ErrorType.MESSAGE_ID_VALIDATION),
  INVALID_ASSET_CLASS(ErrorType.ASSET_CLASS_VALIDATION);

  private final ErrorType type;

  DlqReason(ErrorType type) {
    this.type = type;
  }

  /** The value of the DLQ's {@code error_reason} column: {@code price_must_be_positive}. */
  public String reason() {
    return name().toLowerCase(Locale.ROOT);
  }

  public ErrorType type() {
    return type;
  }

  /** The DLQ's {@code error_type} values. */
  public enum ErrorType {
    DESERIALIZATION, PRICE_VALIDATION, QUANTITY_VALIDATION, SYMBOL_VALIDATION, SIDE_VALIDATION,
    TIMESTAMP_VALIDATION, TRADE_ID_VALIDATION, MESSAGE_ID_VALIDATION, ASSET_CLASS_VALIDATION;

    public String value() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
