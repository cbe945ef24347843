package io.cryptolake.testing;

import io.cryptolake.producers.synthetic.SyntheticConfig;
import io.cryptolake.producers.synthetic.SyntheticProducer;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.schemas.Manifest;
import java.util.EnumMap;
import java.util.Map;

/** Synthetic trades sent to topics of the test's own, so tests never see each other's records. */
public final class Produced {
  private Produced() {}

  public static Map<Exchange, String> topics(String prefix) {
    Map<Exchange, String> topics = new EnumMap<>(Exchange.class);
    for (Exchange exchange : Exchange.values()) {
      topics.put(exchange, prefix + "." + exchange.id());
    }
    return topics;
  }

  public static SyntheticConfig config(Map<Exchange, String> topics) {
    var servers = TestLake.servers().config();
    return SyntheticConfig.defaults(servers.kafkaBootstrap(), servers.registryUrl()).withTopics(topics);
  }

  public static Manifest send(SyntheticConfig config) {
    return new SyntheticProducer(config).run();
  }
}
