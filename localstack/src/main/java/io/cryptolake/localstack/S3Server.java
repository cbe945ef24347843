package io.cryptolake.localstack;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;

/**
 * An S3 API endpoint: s3proxy on its filesystem backend. Any S3 endpoint works for the pipeline (MinIO in
 * real deployments); this one needs no install. Ready when the warehouse bucket exists and lists.
 */
public final class S3Server extends ManagedServer {
  public S3Server(LocalServersConfig config) {
    super("s3", config, Duration.ofSeconds(60));
  }

  public String endpoint() {
    return config.s3Endpoint();
  }

  @Override
  protected Map<Integer, String> ports() {
    return Map.of(config.s3Port(), "CRYPTOLAKE_S3_PORT");
  }

  @Override
  protected List<String> prepare() throws IOException {
    Path blobs = dataDir().resolve("blobs");
    Files.createDirectories(blobs);
    Path properties = dataDir().resolve("s3proxy.properties");
    Files.writeString(properties, String.join("\n",
        "s3proxy.endpoint=" + endpoint(),
        "s3proxy.authorization=aws-v2-or-v4",
        "s3proxy.identity=" + config.s3AccessKey(),
        "s3proxy.credential=" + config.s3SecretKey(),
        "jclouds.provider=filesystem",
        "jclouds.filesystem.basedir=" + blobs,
        ""), StandardCharsets.UTF_8);
    List<String> command = java("-Xms64m", "-Xmx512m");
    command.addAll(List.of("-jar", dist("s3proxy/s3proxy.jar").toString(), "--properties", properties.toString()));
    return command;
  }

  @Override
  protected void probe() {
    try (S3Client s3 = client()) {
      try {
        s3.headBucket(b -> b.bucket(config.bucket()));
      } catch (NoSuchBucketException missing) {
        s3.createBucket(b -> b.bucket(config.bucket()));
      }
      s3.listObjectsV2(b -> b.bucket(config.bucket()).maxKeys(1));
    }
  }

  /** An S3 client for this endpoint (path-style, static credentials). */
  public S3Client client() {
    return S3Client.builder()
        .endpointOverride(URI.create(endpoint()))
        .region(Region.US_EAST_1)
        .forcePathStyle(true)
        .credentialsProvider(StaticCredentialsProvider.create(
            AwsBasicCredentials.create(config.s3AccessKey(), config.s3SecretKey())))
        .build();
  }
}
