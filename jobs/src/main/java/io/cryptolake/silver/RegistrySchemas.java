package io.cryptolake.silver;

import io.cryptolake.schemas.DlqReason;
import io.cryptolake.schemas.SchemaRegistryClient.RegistryUnavailableException;
import io.cryptolake.schemas.SchemaRegistryClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writer schemas by id, looked up once per id per JVM (so once per executor, not per row) and kept in a
 * bounded cache. An id the registry answers 404 for is remembered as unknown for a minute; an id whose
 * schema is not Avro (a JSON or Protobuf schema in the same registry, a broken registration) is unsupported.
 * A registry that cannot be reached is retried with exponential backoff, then
 * {@link RegistryUnavailableException} is thrown: the batch fails and the query restarts from its
 * checkpoint; an outage never turns into DLQ rows.
 *
 * <p>A 404 is believed only from a registry that knows the record's subject ({@code <topic>-value}, which
 * every producer registers before it writes): a registry that has lost its data, or is not the one the
 * producers use, answers 404 for every id, and that must fail the batch, not send the stream to the DLQ.
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
  private final Set<String> knownSubjects = ConcurrentHashMap.newKeySet();

  private RegistrySchemas(String registryUrl) {
    this.client = new SchemaRegistryClient(registryUrl);
  }

  /** The JVM's cache for this registry. */
  public static RegistrySchemas forRegistry(String registryUrl) {
    return PER_REGISTRY.computeIfAbsent(registryUrl, RegistrySchemas::new);
  }

  /**
   * What the registry says of a schema id: an Avro schema, or the reason it cannot be one (unknown id, or a
   * schema that is not Avro: JSON, Protobuf, or text Avro cannot parse).
   */
  public record WriterSchema(Schema schema, DlqReason problem) {
    static WriterSchema of(Optional<SchemaRegistryClient.RegisteredSchema> registered) {
      if (registered.isEmpty()) {
        return new WriterSchema(null, DlqReason.UNKNOWN_SCHEMA_ID);
      }
      try {
        return new WriterSchema(registered.get().avro(), null);
      } catch (RuntimeException notAvro) {
        // Whatever the parser throws: the registry's answer is final, so the record's outcome is too.
        return new WriterSchema(null, DlqReason.UNSUPPORTED_SCHEMA);
      }
    }
  }

  /**
   * The writer schema, or why there is none. An unreachable registry is retried for up to {@code maxWait};
   * an unknown id is looked up again after a minute, everything else is kept.
   */
  public WriterSchema writerSchema(int id, String subject, Duration maxWait) {
    synchronized (cache) {
      Entry entry = cache.get(id);
      if (entry != null && (entry.schema.problem() != DlqReason.UNKNOWN_SCHEMA_ID
          || System.nanoTime() - entry.at < UNKNOWN_TTL_NANOS)) {
        return entry.schema;
      }
    }
    WriterSchema schema = WriterSchema.of(lookupWithRetry(id, subject, maxWait));
    synchronized (cache) {
      cache.put(id, new Entry(schema, System.nanoTime()));
    }
    return schema;
  }

  /** Registry calls made by this JVM: one per id, however many rows carry it. */
  public long lookups() {
    return lookups.get();
  }

  private Optional<SchemaRegistryClient.RegisteredSchema> lookupWithRetry(int id, String subject, Duration maxWait) {
    long deadline = System.nanoTime() + maxWait.toNanos();
    long backoffMillis = 200;
    while (true) {
      try {
        lookups.incrementAndGet();
        Optional<SchemaRegistryClient.RegisteredSchema> schema = client.schemaById(id);
        if (schema.isEmpty() && !knowsSubject(subject)) {
          throw new RegistryUnavailableException("the registry answered 404 for schema id " + id + " but does not "
              + "know subject '" + subject + "' either, which the topic's producers register before writing: it "
              + "has lost its data or is not the producers' registry");
        }
        return schema;
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

  /** Subjects seen to exist are remembered: a subject is never deleted while its topic is in use. */
  private boolean knowsSubject(String subject) {
    if (knownSubjects.contains(subject)) {
      return true;
    }
    boolean known = client.hasSubject(subject);
    if (known) {
      knownSubjects.add(subject);
    }
    return known;
  }

  private record Entry(WriterSchema schema, long at) {}
}
