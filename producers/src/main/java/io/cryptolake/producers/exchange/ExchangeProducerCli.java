package io.cryptolake.producers.exchange;

import io.cryptolake.cli.Check;
import io.cryptolake.cli.Cli;
import io.cryptolake.producers.KafkaOptions;
import io.cryptolake.producers.kafka.TradeTopicWriter;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.SchemaRegistryClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code feed}: one exchange's public trade stream into its Kafka topic, until SIGTERM or --duration. */
@Command(name = "feed", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Subscribes to an exchange's public WebSocket trade stream and produces every trade to Kafka as "
        + "the exchange's raw record (spec section 2) in the Schema Registry wire format, keyed by symbol. "
        + "Reconnects on drops and silence; logs a metrics line every --stats-every; SIGTERM flushes and stops.")
public final class ExchangeProducerCli implements Callable<Integer> {
  private static final Logger LOG = LoggerFactory.getLogger(ExchangeProducerCli.class);

  @Option(names = "--exchange", required = true, description = "${COMPLETION-CANDIDATES} (any case).")
  Exchange ex;

  @Option(names = "--symbols", split = ",", description = "Symbols in the exchange's form: BTCUSDT for Binance, "
      + "BTC/USD for Kraken (default: three majors).")
  List<String> symbols;

  @Option(names = "--endpoint", description = "WebSocket endpoint (default: the exchange's public one, "
      + "wss://stream.binance.com:9443 or wss://ws.kraken.com/v2; env CRYPTOLAKE_<EXCHANGE>_WS_URL).")
  URI endpoint;

  @Option(names = "--topic", description = "Topic (default market.crypto.trades.<exchange>).")
  String topic;

  @CommandLine.Mixin KafkaOptions kafka;

  @Option(names = "--partitions", defaultValue = "3", description = "Partitions of a topic it creates (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--silence-timeout", defaultValue = "30s",
      description = "Reconnect when nothing (not even a heartbeat or ping) arrived for this long (default ${DEFAULT-VALUE}).")
  Duration silenceTimeout;

  @Option(names = "--max-backoff", defaultValue = "60s",
      description = "Longest wait between reconnect attempts (default ${DEFAULT-VALUE}).")
  Duration maxBackoff;

  @Option(names = "--no-snapshot", description = "Kraken: do not ask for the recent-trades snapshot on subscribe.")
  boolean noSnapshot;

  @Option(names = "--stats-every", defaultValue = "10s",
      description = "How often the metrics line is logged (default ${DEFAULT-VALUE}).")
  Duration statsEvery;

  @Option(names = "--duration", description = "Stop after this long (default: run until SIGTERM).")
  Duration duration;

  @Override
  public Integer call() {
    Check.positive("--partitions", partitions);
    Check.positive("--silence-timeout", silenceTimeout);
    Check.positive("--max-backoff", maxBackoff);
    Check.positive("--stats-every", statsEvery);
    Check.positive("--duration", duration);
    kafka.requireServers();
    ExchangeFeed feed = ExchangeFeeds.of(ex, !noSnapshot);
    String topicName = topic == null ? ex.defaultTopic() : topic;
    URI uri = endpoint != null ? endpoint : envEndpoint(ex);
    FeedConfig config = FeedConfig.defaults(feed, topicName)
        .withEndpoint(uri == null ? feed.defaultEndpoint() : uri)
        .withSymbols(symbols == null || symbols.isEmpty() ? feed.defaultSymbols() : symbols)
        .withTimeouts(silenceTimeout, Duration.ofMillis(500), maxBackoff);
    TradeTopicWriter.ensureTopic(kafka.bootstrapServers(), topicName, partitions);
    int schemaId = new SchemaRegistryClient(kafka.registryUrl()).register(topicName + "-value", ex.rawSchema());
    ScheduledExecutorService stats = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "feed-stats");
      t.setDaemon(true);
      return t;
    });
    try (TradeTopicWriter writer = new TradeTopicWriter(kafka.bootstrapServers())) {
      FeedClient client = new FeedClient(feed, config, writer, schemaId);
      // SIGTERM: stop reading, and hold the JVM until every trade read so far is flushed to Kafka.
      CountDownLatch flushed = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        client.close();
        awaitQuietly(flushed);
      }, "feed-shutdown"));
      stats.scheduleAtFixedRate(() -> LOG.info(client.counters().line(ex.id())), statsEvery.toMillis(),
          statsEvery.toMillis(), TimeUnit.MILLISECONDS);
      if (duration != null) {
        stats.schedule(client::close, duration.toMillis(), TimeUnit.MILLISECONDS);
      }
      try {
        client.run();
      } catch (IllegalStateException e) {
        LOG.error("{} feed stopped: Kafka did not take a record after all retries: {}", ex.id(), e.getMessage());
        return 1;
      } finally {
        try {
          writer.flush();
          LOG.info(client.counters().line(ex.id()));
        } finally {
          flushed.countDown();
        }
      }
      return 0;
    } finally {
      stats.shutdownNow();
    }
  }

  private static URI envEndpoint(Exchange ex) {
    String value = System.getenv("CRYPTOLAKE_" + ex.name() + "_WS_URL");
    return value == null || value.isBlank() ? null : URI.create(value);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public static void main(String[] args) {
    Cli.exit(new ExchangeProducerCli(), args);
  }
}
