package io.cryptolake.schemas;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the synthetic producer sent, per exchange: every record is counted once, either as valid (duplicates
 * and out-of-order trades are valid records and are counted among them as well) or under its fault kind.
 * {@code expectedDlqReasons} is what silver's DLQ must hold for that exchange, reason by reason.
 */
public record Manifest(long seed, Instant startedAt, Instant finishedAt, Map<String, ExchangeCounts> exchanges) {
  /** The record header that names each record's kind, for tests that check record by record. */
  public static final String KIND_HEADER = "cryptolake-synthetic-kind";
  public static final String VALID = "VALID";
  public static final String DUPLICATE = "DUPLICATE";
  public static final String OUT_OF_ORDER = "OUT_OF_ORDER";

  private static final ObjectMapper JSON = new ObjectMapper()
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .enable(SerializationFeature.INDENT_OUTPUT)
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  public record ExchangeCounts(
      String topic,
      int schemaId,
      long sent,
      long valid,
      long duplicates,
      long outOfOrder,
      Map<String, Long> faults,
      Map<String, Long> expectedDlqReasons,
      Map<Integer, Long> perPartition) {

    /** The counts of two runs to the same topic with the same schema id, summed. */
    ExchangeCounts plus(ExchangeCounts other) {
      return new ExchangeCounts(topic, schemaId, sent + other.sent, valid + other.valid,
          duplicates + other.duplicates, outOfOrder + other.outOfOrder, sum(faults, other.faults),
          sum(expectedDlqReasons, other.expectedDlqReasons), sum(perPartition, other.perPartition));
    }

    private static <K> Map<K, Long> sum(Map<K, Long> a, Map<K, Long> b) {
      Map<K, Long> total = new TreeMap<>(a);
      b.forEach((k, v) -> total.merge(k, v, Long::sum));
      return total;
    }

    @JsonProperty("expected_dlq_total")
    public long expectedDlqTotal() {
      return expectedDlqReasons.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** This run and {@code later} as one: what both sent, from this one's start to the later one's end. */
  public Manifest plus(Manifest later) {
    Map<String, ExchangeCounts> both = new TreeMap<>(exchanges);
    later.exchanges.forEach((exchange, counts) -> both.merge(exchange, counts, ExchangeCounts::plus));
    return new Manifest(seed, startedAt, later.finishedAt, both);
  }

  public long totalSent() {
    return exchanges.values().stream().mapToLong(ExchangeCounts::sent).sum();
  }

  /** Expected DLQ rows per reason over every exchange. */
  public Map<String, Long> expectedDlqReasons() {
    Map<String, Long> total = new TreeMap<>();
    exchanges.values().forEach(c -> c.expectedDlqReasons().forEach((k, v) -> total.merge(k, v, Long::sum)));
    return total;
  }

  public void write(Path path) {
    try {
      if (path.getParent() != null) {
        Files.createDirectories(path.getParent());
      }
      JSON.writeValue(path.toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the manifest to " + path, e);
    }
  }

  public static Manifest read(Path path) {
    try {
      return JSON.readValue(path.toFile(), Manifest.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the manifest " + path, e);
    }
  }
}
