package io.cryptolake.producers.synthetic;

import io.cryptolake.producers.kafka.TradeTopicWriter;
import io.cryptolake.schemas.AvroBinary;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import io.cryptolake.schemas.SchemaRegistryClient;
import io.cryptolake.schemas.WireFormat;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends realistic raw trades of each configured exchange to its topic, framed with the schema id it
 * registered, with the configured share of faulty, duplicated and out-of-order records. Every record
 * carries its kind in a header and is counted in the {@link Manifest} once Kafka acknowledged it.
 */
public final class SyntheticProducer {
  private static final Logger LOG = LoggerFactory.getLogger(SyntheticProducer.class);
  private static final int DUPLICATE_POOL = 256;

  private final SyntheticConfig config;
  private final Random random;
  private final Market market;

  public SyntheticProducer(SyntheticConfig config) {
    this.config = config;
    this.random = new Random(config.seed());
    this.market = new Market(random, config.seed());
  }

  public Manifest run() {
    Instant startedAt = Instant.now();
    SchemaRegistryClient registry = new SchemaRegistryClient(config.registryUrl());
    List<Stream> streams = new ArrayList<>();
    for (Exchange exchange : Exchange.values()) {
      if (config.exchanges().contains(exchange)) {
        SyntheticExchange adapter = SyntheticExchange.of(exchange);
        String topic = config.topic(adapter.exchange());
        TradeTopicWriter.ensureTopic(config.bootstrapServers(), topic, config.partitions());
        int schemaId = registry.register(topic + "-value", adapter.exchange().rawSchema());
        streams.add(new Stream(adapter, topic, schemaId, symbolsOf(adapter)));
      }
    }
    try (TradeTopicWriter writer = new TradeTopicWriter(config.bootstrapServers())) {
      send(streams, writer);
      streams.forEach(s -> s.flushHeld(writer));
      writer.flush();
    }
    Map<String, Manifest.ExchangeCounts> counts = new LinkedHashMap<>();
    streams.forEach(s -> counts.put(s.adapter.exchange().id(), s.counts.snapshot(s.topic, s.schemaId)));
    Manifest manifest = new Manifest(config.seed(), startedAt, Instant.now(), counts);
    if (config.manifest() != null) {
      manifest.write(config.manifest());
      LOG.info("manifest written to {}", config.manifest());
    }
    return manifest;
  }

  private void send(List<Stream> streams, TradeTopicWriter writer) {
    long begin = System.nanoTime();
    long deadline = config.duration() == null ? Long.MAX_VALUE : begin + config.duration().toNanos();
    long sent = 0;
    for (long slot = 0; config.duration() != null || slot < config.count(); slot++) {
      if (System.nanoTime() >= deadline) {
        break;
      }
      for (Stream stream : streams) {
        stream.sendOne(writer);
        sent++;
        pace(begin, sent);
      }
    }
  }

  private void pace(long begin, long sent) {
    if (config.ratePerSecond() <= 0) {
      return;
    }
    long due = begin + (long) (sent * 1e9 / config.ratePerSecond());
    long wait = due - System.nanoTime();
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
  }

  private List<String> symbolsOf(SyntheticExchange adapter) {
    List<String> symbols = config.symbols().get(adapter.exchange());
    return symbols == null || symbols.isEmpty() ? adapter.defaultSymbols() : symbols;
  }

  /** One exchange's sequence of records. */
  private final class Stream {
    final SyntheticExchange adapter;
    final String topic;
    final int schemaId;
    final List<String> symbols;
    final List<FaultKind> faultKinds;
    final ExchangeCounter counts = new ExchangeCounter();
    final Deque<ProducerRecord<byte[], byte[]>> recentValid = new ArrayDeque<>();
    final List<Held> held = new ArrayList<>();
    final Instant spreadStart = config.spreadOver() == null ? null : Instant.now().minus(config.spreadOver());

    Stream(SyntheticExchange adapter, String topic, int schemaId, List<String> symbols) {
      this.adapter = adapter;
      this.topic = topic;
      this.schemaId = schemaId;
      this.symbols = symbols;
      this.faultKinds = FaultKind.applicableTo(adapter);
    }

    void sendOne(TradeTopicWriter writer) {
      releaseDue(writer);
      double draw = random.nextDouble();
      if (draw < config.duplicateFraction() && !recentValid.isEmpty()) {
        ProducerRecord<byte[], byte[]> original = pickRecent();
        send(writer, copy(original, Manifest.DUPLICATE), null);
        return;
      }
      draw -= config.duplicateFraction();
      if (draw < config.outOfOrderFraction()) {
        // Held back behind the next few trades of this exchange, so it arrives after later trade ids.
        held.add(new Held(record(trade(), null, Manifest.OUT_OF_ORDER), counts.sentSoFar() + 2 + random.nextInt(8)));
        counts.reserve();
        return;
      }
      draw -= config.outOfOrderFraction();
      for (FaultKind kind : faultKinds) {
        double fraction = config.faultFractions().getOrDefault(kind, 0.0);
        if (draw < fraction) {
          send(writer, record(trade(), kind, kind.name()), kind);
          return;
        }
        draw -= fraction;
      }
      ProducerRecord<byte[], byte[]> valid = record(trade(), null, Manifest.VALID);
      remember(valid);
      send(writer, valid, null);
    }

    void flushHeld(TradeTopicWriter writer) {
      held.forEach(h -> send(writer, h.record, null, true));
      held.clear();
    }

    private void releaseDue(TradeTopicWriter writer) {
      for (var it = held.iterator(); it.hasNext(); ) {
        Held h = it.next();
        if (h.releaseAt <= counts.sentSoFar()) {
          it.remove();
          send(writer, h.record, null, true);
        }
      }
    }

    private GenericRecord trade() {
      String symbol = symbols.get(random.nextInt(symbols.size()));
      String[] assets = adapter.assets(symbol);
      Market.Tick tick = market.next(symbol, assets[0], assets[1]);
      Instant ingestion = Instant.now();
      return adapter.record(tick, tradeTime(ingestion), ingestion);
    }

    /** A few milliseconds before the send; or, spreading, this slot's place in the window before the start. */
    private Instant tradeTime(Instant ingestion) {
      if (config.spreadOver() == null) {
        return ingestion.minusMillis(1 + random.nextInt(50));
      }
      long span = config.spreadOver().toMillis();
      return spreadStart.plusMillis(span * counts.sentSoFar() / Math.max(1, config.count()));
    }

    private ProducerRecord<byte[], byte[]> record(GenericRecord trade, FaultKind fault, String kind) {
      byte[] key = String.valueOf(trade.get(adapter.symbolField())).getBytes(StandardCharsets.UTF_8);
      if (fault != null) {
        fault.corrupt(trade, adapter, random);
        key = String.valueOf(trade.get(adapter.symbolField())).getBytes(StandardCharsets.UTF_8);
      }
      byte[] body = AvroBinary.encode(trade);
      byte[] value = fault == null ? WireFormat.frame(schemaId, body) : fault.frame(schemaId, body, random);
      long kafkaTimestamp = Math.floorDiv((Long) trade.get("ingestion_timestamp"), 1000L);
      ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, kafkaTimestamp, key, value);
      record.headers().add(Manifest.KIND_HEADER, kind.getBytes(StandardCharsets.UTF_8));
      return record;
    }

    private ProducerRecord<byte[], byte[]> copy(ProducerRecord<byte[], byte[]> original, String kind) {
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(topic, null, System.currentTimeMillis(), original.key(), original.value());
      record.headers().add(Manifest.KIND_HEADER, kind.getBytes(StandardCharsets.UTF_8));
      return record;
    }

    private void remember(ProducerRecord<byte[], byte[]> valid) {
      recentValid.addLast(valid);
      if (recentValid.size() > DUPLICATE_POOL) {
        recentValid.removeFirst();
      }
    }

    private ProducerRecord<byte[], byte[]> pickRecent() {
      int index = random.nextInt(recentValid.size());
      return recentValid.stream().skip(index).findFirst().orElseThrow();
    }

    private void send(TradeTopicWriter writer, ProducerRecord<byte[], byte[]> record, FaultKind fault) {
      send(writer, record, fault, false);
    }

    private void send(TradeTopicWriter writer, ProducerRecord<byte[], byte[]> record, FaultKind fault,
        boolean reserved) {
      String kind = new String(record.headers().lastHeader(Manifest.KIND_HEADER).value(), StandardCharsets.UTF_8);
      if (!reserved) {
        counts.reserve();
      }
      writer.send(record, (metadata, error) -> counts.acknowledged(kind, fault, metadata.partition()));
    }
  }

  private record Held(ProducerRecord<byte[], byte[]> record, long releaseAt) {}
}
