package io.cryptolake.silver;

import io.cryptolake.schemas.SchemaRegistryClient;
import io.cryptolake.schemas.SchemaRegistryClient.RegistryUnavailableException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writer schemas by id, looked up once per id per JVM (so once per executor, not per row) and kept in a
 * bounded cache. An id the registry answers 404 for is remembered as unknown for a minute. A registry that
 * cannot be reached is retried with exponential backoff, then {@link RegistryUnavailableException} is thrown:
 * the batch fails and the query restarts from its checkpoint; an outage never turns into DLQ rows.
 */
public final class RegistrySchemas {
  private static final Logger LOG = LoggerFactory.getLogger(RegistrySchemas.class);
  private static final int MAX_ENTRIES = 10_000;
  private static final long UNKNOWN_TTL_NANOS = Duration.ofMinutes(1).toNanos();
  private static final Map<String, RegistrySchemas> PER_REGISTRY = new ConcurrentHashMap<>();

  private final SchemaRegistryClient client;
  private final Map<Integer, Entry> cache = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Integer, Entry> eldest) {
      return size() > MAX_ENTRIES;
    }
  };
  private final AtomicLong lookups = new AtomicLong();

  private RegistrySchemas(String registryUrl) {
    this.client = new SchemaRegistryClient(registryUrl);
  }

  /** The JVM's cache for this registry. */
  public static RegistrySchemas forRegistry(String registryUrl) {
    return PER_REGISTRY.computeIfAbsent(registryUrl, RegistrySchemas::new);
  }

  /**
   * The writer schema, or empty when the registry does not know the id. An unreachable registry is retried
   * for up to {@code maxWait}.
   */
  public Optional<Schema> writerSchema(int id, Duration maxWait) {
    synchronized (cache) {
      Entry entry = cache.get(id);
      if (entry != null && (entry.schema != null || System.nanoTime() - entry.at < UNKNOWN_TTL_NANOS)) {
        return Optional.ofNullable(entry.schema);
      }
    }
    Optional<Schema> schema = lookupWithRetry(id, maxWait);
    synchronized (cache) {
      cache.put(id, new Entry(schema.orElse(null), System.nanoTime()));
    }
    return schema;
  }

  /** Registry calls made by this JVM: one per id, however many rows carry it. */
  public long lookups() {
    return lookups.get();
  }

  private Optional<Schema> lookupWithRetry(int id, Duration maxWait) {
    long deadline = System.nanoTime() + maxWait.toNanos();
    long backoffMillis = 200;
    while (true) {
      try {
        lookups.incrementAndGet();
        return client.schemaById(id);
      } catch (RegistryUnavailableException e) {
        if (System.nanoTime() + backoffMillis * 1_000_000 > deadline) {
          throw new RegistryUnavailableException("schema registry unavailable for " + maxWait.toSeconds()
              + " s while looking up schema id " + id + "; failing the batch so it is retried: " + e.getMessage(), e);
        }
        LOG.warn("schema registry unavailable, retrying in {} ms: {}", backoffMillis, e.getMessage());
        try {
          Thread.sleep(backoffMillis);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoffMillis = Math.min(backoffMillis * 2, 5_000);
      }
    }
  }

  private record Entry(Schema schema, long at) {}
}
