package io.cryptolake.localstack;

import io.cryptolake.cli.Cli;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** {@code make servers}: the local servers in the foreground on fixed ports until Ctrl-C. */
@Command(name = "servers", mixinStandardHelpOptions = true,
    description = {"Starts Kafka (KRaft), the S3 API (s3proxy) and the Schema Registry (Apicurio) on 127.0.0.1",
        "and keeps them running until interrupted. Ports and credentials come from the environment:",
        "CRYPTOLAKE_KAFKA_PORT (9092), CRYPTOLAKE_KAFKA_CONTROLLER_PORT (9093), CRYPTOLAKE_S3_PORT (9000),",
        "CRYPTOLAKE_REGISTRY_PORT (8085), CRYPTOLAKE_S3_BUCKET (warehouse), AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY."})
public final class LocalServersCli implements Callable<Integer> {
  @Option(names = "--data-dir", defaultValue = "${env:CRYPTOLAKE_DATA_DIR:-data/local}",
      description = "Where the servers keep their data and logs (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() throws InterruptedException {
    LocalServersConfig config = LocalServersConfig.defaults().withDataDir(dataDir);
    try (LocalServers servers = LocalServers.start(config)) {
      System.out.println("kafka     " + config.kafkaBootstrap());
      System.out.println("s3        " + config.s3Endpoint() + " (bucket " + config.bucket() + ")");
      System.out.println("registry  " + config.registryUrl());
      System.out.println("data      " + config.dataDir() + "   (Ctrl-C stops everything)");
      new CountDownLatch(1).await();
    }
    return 0;
  }

  public static void main(String[] args) {
    Cli.exit(new LocalServersCli(), args);
  }
}
