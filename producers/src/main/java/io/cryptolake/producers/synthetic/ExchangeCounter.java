package io.cryptolake.producers.synthetic;

import io.cryptolake.schemas.DlqReason;
import io.cryptolake.schemas.Manifest;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counts one exchange's records as Kafka acknowledges them (callbacks run on the producer's thread). */
final class ExchangeCounter {
  private final AtomicLong reserved = new AtomicLong();
  private final Map<String, LongAdder> byKind = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> byReason = new ConcurrentHashMap<>();
  private final Map<Integer, LongAdder> byPartition = new ConcurrentHashMap<>();

  /** A slot in the sequence is taken (the record may be sent later, as out-of-order ones are). */
  void reserve() {
    reserved.incrementAndGet();
  }

  long sentSoFar() {
    return reserved.get();
  }

  void acknowledged(String kind, FaultKind fault, int partition) {
    byKind.computeIfAbsent(kind, k -> new LongAdder()).increment();
    byPartition.computeIfAbsent(partition, p -> new LongAdder()).increment();
    if (fault != null) {
      DlqReason reason = fault.expectedReason();
      byReason.computeIfAbsent(reason.reason(), r -> new LongAdder()).increment();
    }
  }

  Manifest.ExchangeCounts snapshot(String topic, int schemaId) {
    Map<String, Long> faults = new TreeMap<>();
    for (FaultKind kind : FaultKind.values()) {
      long n = count(kind.name());
      if (n > 0) {
        faults.put(kind.name(), n);
      }
    }
    long duplicates = count(Manifest.DUPLICATE);
    long outOfOrder = count(Manifest.OUT_OF_ORDER);
    long valid = count(Manifest.VALID) + duplicates + outOfOrder;
    long sent = valid + faults.values().stream().mapToLong(Long::longValue).sum();
    return new Manifest.ExchangeCounts(topic, schemaId, sent, valid, duplicates, outOfOrder, faults,
        snapshotOf(byReason), snapshotOf(byPartition));
  }

  private long count(String kind) {
    LongAdder adder = byKind.get(kind);
    return adder == null ? 0 : adder.sum();
  }

  private static <K extends Comparable<K>> Map<K, Long> snapshotOf(Map<K, LongAdder> counters) {
    Map<K, Long> snapshot = new TreeMap<>();
    counters.forEach((k, v) -> snapshot.put(k, v.sum()));
    return snapshot;
  }
}
