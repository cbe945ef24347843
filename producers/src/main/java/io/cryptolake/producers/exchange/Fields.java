package io.cryptolake.producers.exchange;

import com.fasterxml.jackson.databind.JsonNode;

/** Required fields of a message read by {@link JsonText}, with errors that name the field and the value. */
final class Fields {
  private Fields() {}

  static String text(JsonNode object, String field) {
    JsonNode node = object.get(field);
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException("missing field " + field);
    }
    if (!node.isTextual()) {
      throw new IllegalArgumentException("field " + field + " is not a string or number: " + node);
    }
    return node.asText();
  }

  static long number(JsonNode object, String field) {
    String text = text(object, field);
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("field " + field + " is not an integer: " + text);
    }
  }

  static boolean bool(JsonNode object, String field) {
    JsonNode node = object.get(field);
    if (node == null || !node.isBoolean()) {
      throw new IllegalArgumentException("field " + field + " is not a boolean: " + node);
    }
    return node.booleanValue();
  }

  static Boolean optionalBool(JsonNode object, String field) {
    JsonNode node = object.get(field);
    return node == null || node.isNull() ? null : bool(object, field);
  }
}
