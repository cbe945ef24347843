package io.cryptolake.proof.soak;

import io.cryptolake.schemas.AvroBinary;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The soak's trades, one simulated day at a time: trade times spread over that day (days in the past, so every
 * layer's time rules accept them), Kafka timestamps now. Besides ordinary trades on two symbols per exchange,
 * each day brings what only shows with time:
 * <ul>
 *   <li>duplicates of the previous day's trades (past the watermark, so de-duplicated against gold);</li>
 *   <li>a block of 20 trade ids of Binance BTCUSDT held back ({@link #heldBack()}, sent once the gaps they
 *       leave are recorded): gaps that are later filled, and late rows that correct closed bars;</li>
 *   <li>on the outage day, no Binance ETHUSDT trades at all and its ids jumping by 5,000: a CRITICAL gap;</li>
 *   <li>poison records: a Binance trade time past what a timestamp holds, a Kraken time that does not parse, a
 *       record under a JSON schema id (all DLQ), a producer ingestion time at the long minimum and a trade whose
 *       bar overflows decimal(38,18) (both valid).</li>
 * </ul>
 */
final class SimulatedDays {
  static final int HELD_BACK = 20;
  static final long OUTAGE_JUMP = 5_000;
  private static final String MAX_DECIMAL = "99999999999999999999.999999999999999999";

  private final Instant firstDay;
  private final int tradesPerSymbol;
  private final int outageDay;
  private final Map<Exchange, String> topics;
  private final Map<Exchange, Integer> schemaIds;
  private final Map<Exchange, Integer> jsonSchemaIds;
  private final Map<String, Long> nextId = new HashMap<>();
  private final Random random;
  private final List<ProducerRecord<byte[], byte[]>> heldBack = new ArrayList<>();
  private List<ProducerRecord<byte[], byte[]>> previousDay = List.of();

  SimulatedDays(Instant firstDay, int tradesPerSymbol, int outageDay, Map<Exchange, String> topics,
      Map<Exchange, Integer> schemaIds, Map<Exchange, Integer> jsonSchemaIds, long seed) {
    this.firstDay = firstDay;
    this.tradesPerSymbol = tradesPerSymbol;
    this.outageDay = outageDay;
    this.topics = topics;
    this.schemaIds = schemaIds;
    this.jsonSchemaIds = jsonSchemaIds;
    this.random = new Random(seed);
  }

  /** Symbols per exchange, as the exchange writes them. */
  static Map<Exchange, List<String>> symbols() {
    Map<Exchange, List<String>> symbols = new EnumMap<>(Exchange.class);
    symbols.put(Exchange.BINANCE, List.of("BTCUSDT", "ETHUSDT"));
    symbols.put(Exchange.KRAKEN, List.of("BTC/USD", "ETH/USD"));
    return symbols;
  }

  /** Every record of simulated day {@code day} (0 based), in sending order. */
  List<ProducerRecord<byte[], byte[]>> day(int day) {
    Instant start = firstDay.plus(Duration.ofDays(day));
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    List<ProducerRecord<byte[], byte[]>> today = new ArrayList<>();
    for (Map.Entry<Exchange, List<String>> entry : symbols().entrySet()) {
      for (String symbol : entry.getValue()) {
        boolean outage = day == outageDay && symbol.equals("ETHUSDT");
        if (outage) {
          nextId.merge(key(entry.getKey(), symbol), OUTAGE_JUMP, Long::sum);
          continue;
        }
        long first = ids(entry.getKey(), symbol, tradesPerSymbol);
        for (int i = 0; i < tradesPerSymbol; i++) {
          Instant time = start.plusMillis(Duration.ofDays(1).toMillis() * i / tradesPerSymbol);
          ProducerRecord<byte[], byte[]> record = trade(entry.getKey(), symbol, first + i, time, "100." + (i % 97),
              "0.5", time.toEpochMilli() * 1000);
          boolean hold = symbol.equals("BTCUSDT") && i >= 10 && i < 10 + HELD_BACK;
          (hold ? heldBack : today).add(record);
        }
      }
    }
    records.addAll(today);
    records.addAll(duplicatesOf(previousDay));
    records.addAll(poison(day, start.plus(Duration.ofHours(12))));
    previousDay = today;
    return records;
  }

  /** The blocks held back so far, one per day: each leaves a gap of {@link #HELD_BACK} ids until it is sent. */
  List<ProducerRecord<byte[], byte[]>> heldBack() {
    return List.copyOf(heldBack);
  }

  private List<ProducerRecord<byte[], byte[]>> duplicatesOf(List<ProducerRecord<byte[], byte[]>> records) {
    List<ProducerRecord<byte[], byte[]>> copies = new ArrayList<>();
    for (ProducerRecord<byte[], byte[]> r : records) {
      if (random.nextInt(100) == 0) {
        copies.add(new ProducerRecord<>(r.topic(), null, System.currentTimeMillis(), r.key(), r.value()));
      }
    }
    return copies;
  }

  private List<ProducerRecord<byte[], byte[]>> poison(int day, Instant noon) {
    long micros = noon.toEpochMilli() * 1000;
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    GenericRecord farFuture = binance("POISONUSDT", 1_000_000L + day, noon, "1", "1", micros);
    farFuture.put("trade_time_ms", Long.MAX_VALUE);
    records.add(send(Exchange.BINANCE, "POISONUSDT", farFuture));
    records.add(send(Exchange.BINANCE, "POISONUSDT",
        binance("POISONUSDT", ids(Exchange.BINANCE, "POISONUSDT", 1), noon, "1", "1", Long.MIN_VALUE)));
    records.add(trade(Exchange.BINANCE, "OVERUSDT", ids(Exchange.BINANCE, "OVERUSDT", 1), noon, MAX_DECIMAL,
        MAX_DECIMAL, micros));
    GenericRecord badTime = kraken("POISON/USD", 1_000_000L + day, noon, "1", "1", micros);
    badTime.put("timestamp", "not a time");
    records.add(send(Exchange.KRAKEN, "POISON/USD", badTime));
    records.add(trade(Exchange.KRAKEN, "OVER/USD", ids(Exchange.KRAKEN, "OVER/USD", 1), noon, MAX_DECIMAL,
        MAX_DECIMAL, micros));
    for (Exchange exchange : Exchange.values()) {
      byte[] body = AvroBinary.encode(exchange == Exchange.BINANCE ? farFuture : badTime);
      records.add(new ProducerRecord<>(topics.get(exchange), null, System.currentTimeMillis(),
          "POISON".getBytes(StandardCharsets.UTF_8), WireFormat.frame(jsonSchemaIds.get(exchange), body)));
    }
    return records;
  }

  private long ids(Exchange exchange, String symbol, int count) {
    long first = nextId.getOrDefault(key(exchange, symbol), 1L);
    nextId.put(key(exchange, symbol), first + count);
    return first;
  }

  private static String key(Exchange exchange, String symbol) {
    return exchange.id() + "|" + symbol;
  }

  private ProducerRecord<byte[], byte[]> trade(Exchange exchange, String symbol, long id, Instant time,
      String price, String quantity, long ingestionMicros) {
    return send(exchange, symbol, exchange == Exchange.BINANCE
        ? binance(symbol, id, time, price, quantity, ingestionMicros)
        : kraken(symbol, id, time, price, quantity, ingestionMicros));
  }

  private ProducerRecord<byte[], byte[]> send(Exchange exchange, String symbol, GenericRecord record) {
    return new ProducerRecord<>(topics.get(exchange), null, System.currentTimeMillis(),
        symbol.getBytes(StandardCharsets.UTF_8), WireFormat.frame(schemaIds.get(exchange), AvroBinary.encode(record)));
  }

  private static GenericRecord binance(String symbol, long id, Instant time, String price, String quantity,
      long ingestionMicros) {
    GenericRecord r = new GenericData.Record(Exchange.BINANCE.rawSchema());
    r.put("event_type", "trade");
    r.put("event_time_ms", time.toEpochMilli());
    r.put("symbol", symbol);
    r.put("trade_id", id);
    r.put("price", price);
    r.put("quantity", quantity);
    r.put("trade_time_ms", time.toEpochMilli());
    r.put("is_buyer_maker", id % 2 == 0);
    r.put("is_best_match", true);
    r.put("ingestion_timestamp", ingestionMicros);
    return r;
  }

  private static GenericRecord kraken(String symbol, long id, Instant time, String price, String quantity,
      long ingestionMicros) {
    GenericRecord r = new GenericData.Record(Exchange.KRAKEN.rawSchema());
    r.put("symbol", symbol);
    r.put("side", id % 2 == 0 ? "buy" : "sell");
    r.put("price", price);
    r.put("qty", quantity);
    r.put("ord_type", "limit");
    r.put("trade_id", id);
    r.put("timestamp", time.toString());
    r.put("ingestion_timestamp", ingestionMicros);
    return r;
  }
}
