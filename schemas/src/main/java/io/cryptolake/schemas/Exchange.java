package io.cryptolake.schemas;

import java.util.Arrays;
import java.util.Locale;
import org.apache.avro.Schema;

/**
 * The exchanges the pipeline knows, and everything derived from an exchange's name: its raw Avro contract,
 * its default Kafka topic and its table names. Adding an exchange is a constant here, its .avsc file, and its
 * adapters in producers/ and jobs/; nothing else names an exchange.
 */
public enum Exchange {
  BINANCE("binance", "avro/binance_trade.avsc"),
  KRAKEN("kraken", "avro/kraken_trade.avsc");

  /**
   * Every exchange's id, comma-separated: the default of each command's {@code --exchanges} (an annotation needs
   * a constant). Checked against the constants above when the class loads, so it cannot drift from them.
   */
  public static final String ALL_IDS = "binance,kraken";

  static {
    if (!ALL_IDS.equals(String.join(",", ids()))) {
      throw new ExceptionInInitializerError("Exchange.ALL_IDS is " + ALL_IDS + " but the exchanges are "
          + String.join(",", ids()));
    }
  }

  private final String id;
  private final Schema rawSchema;

  Exchange(String id, String rawSchemaResource) {
    this.id = id;
    this.rawSchema = AvroSchemas.load(rawSchemaResource);
  }

  /** Lower-case id used in job names, topics and table names: {@code binance}. */
  public String id() {
    return id;
  }

  /** The value of the unified schema's {@code exchange} column: {@code BINANCE}. */
  public String code() {
    return name();
  }

  /** The reader schema of this exchange's raw record (spec section 2). */
  public Schema rawSchema() {
    return rawSchema;
  }

  public String defaultTopic() {
    return "market.crypto.trades." + id;
  }

  public static Exchange fromId(String value) {
    String wanted = value.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(e -> e.id.equals(wanted))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException(
            "unknown exchange '" + value + "'; known: " + Arrays.toString(ids())));
  }

  public static String[] ids() {
    return Arrays.stream(values()).map(Exchange::id).toArray(String[]::new);
  }
}
