package io.cryptolake.proof.bench;

import io.cryptolake.gold.GoldConfig;
import io.cryptolake.lake.LakeSession;
import io.cryptolake.localstack.LocalServersConfig;
import io.cryptolake.proof.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Whether every streaming query of a job has committed its first batch: {@code commits/0} in each of its
 * checkpoints. A job's metrics cannot say it for gold, whose bars query finishes its first (empty) batch seconds
 * before its trades query does: the job's batch duration is set by whichever query reports first.
 */
final class FirstCommits {
  private final FileSystem fs;
  private final Path root;

  /** Opened before the submits, so the file system's own start is not in the cold start it measures. */
  FirstCommits(LocalCluster cluster) {
    LocalServersConfig servers = cluster.serversConfig();
    Configuration hadoop = LakeSession.hadoopConfiguration(cluster.lakeConfig());
    hadoop.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    hadoop.set("fs.s3a.access.key", servers.s3AccessKey());
    hadoop.set("fs.s3a.secret.key", servers.s3SecretKey());
    root = new Path(cluster.setting("CRYPTOLAKE_CHECKPOINT_ROOT"));
    try {
      fs = root.getFileSystem(hadoop);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the checkpoints under " + root, e);
    }
  }

  boolean allCommitted(String job) {
    try {
      for (String checkpoint : checkpointsOf(job)) {
        if (!fs.exists(new Path(root, checkpoint + "/commits/0"))) {
          return false;
        }
      }
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the checkpoints of " + job + " under " + root, e);
    }
  }

  private static List<String> checkpointsOf(String job) {
    return job.equals(GoldConfig.JOB_NAME) ? List.of(GoldConfig.JOB_NAME, GoldConfig.OHLCV_CHECKPOINT) : List.of(job);
  }
}
