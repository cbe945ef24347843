package io.cryptolake.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.execution.streaming.checkpointing.CheckpointFileManager;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Checkpoint files on S3 go straight to their place: nothing is in the bucket until the file is whole, a cancelled
 * file leaves nothing, no temporary object is made, and a file that must not be overwritten is refused when it
 * exists, as Spark's rename-based default refuses it. Elsewhere Spark's own choice is kept: a FileContext and a
 * rename, or the FileSystem where Hadoop has no FileContext for the store.
 */
class InPlaceCheckpointFilesTest {
  private static final byte[] FIRST = "v1\n{\"batchWatermarkMs\":0}\n".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SECOND = "v1\n{\"batchWatermarkMs\":1}\n".getBytes(StandardCharsets.UTF_8);

  @Test
  void onS3AFileAppearsWholeWhenClosedAndNeverThroughATemporaryObject() throws Exception {
    Lake lake = TestLake.lake("in_place", Storage.S3);
    String bucket = TestLake.servers().config().bucket();
    String prefix = lake.checkpointRoot().substring(("s3a://" + bucket + "/").length()) + "/";
    Configuration hadoop = TestLake.spark().sessionState().newHadoopConf();
    CheckpointFileManager created = CheckpointFileManager.create(new Path(lake.checkpointRoot()), hadoop);
    InPlaceCheckpointFiles files = assertInstanceOf(InPlaceCheckpointFiles.class, created,
        "the product's sessions name it as Spark's checkpoint file manager");
    assertTrue(files.inPlace());

    Path offsets = new Path(lake.checkpointRoot() + "/offsets/0");
    Path commit = new Path(lake.checkpointRoot() + "/commits/0");
    // As Spark's logs do before their first file.
    files.mkdirs(offsets.getParent());
    files.mkdirs(commit.getParent());
    try (S3Client s3 = TestLake.servers().s3().client()) {
      CheckpointFileManager.CancellableFSDataOutputStream out = files.createAtomic(offsets, false);
      out.write(FIRST);
      out.hflush();
      assertEquals(List.of(), keys(s3, bucket, prefix), "no file in the bucket before it is closed");
      out.close();
      assertEquals(List.of(prefix + "offsets/0"), keys(s3, bucket, prefix));
      assertArrayEquals(FIRST, read(files, offsets));

      assertThrows(FileAlreadyExistsException.class, () -> files.createAtomic(offsets, false).close(),
          "a batch's offsets are written once");
      assertArrayEquals(FIRST, read(files, offsets));

      CheckpointFileManager.CancellableFSDataOutputStream cancelled = files.createAtomic(commit, false);
      cancelled.write(FIRST);
      cancelled.cancel();
      assertFalse(files.exists(commit), "a cancelled file is not written");

      try (OutputStream overwrite = files.createAtomic(offsets, true)) {
        overwrite.write(SECOND);
      }
      assertArrayEquals(SECOND, read(files, offsets), "state files may be written again");
      assertEquals(List.of(prefix + "offsets/0"), keys(s3, bucket, prefix), "no temporary object left or made");
    }
  }

  @Test
  void onALocalPathItWritesThroughARenameAsSparkDoes() throws Exception {
    Lake lake = TestLake.lake("in_place_local", Storage.LOCAL);
    InPlaceCheckpointFiles files = new InPlaceCheckpointFiles(new Path(lake.checkpointRoot()),
        TestLake.spark().sessionState().newHadoopConf());
    assertFalse(files.inPlace());
    writtenOnceThroughARename(files, new Path(lake.checkpointRoot() + "/offsets/0"));
  }

  @Test
  void onAFileSystemWithoutAFileContextItUsesTheFileSystemAsSparkDoes() throws Exception {
    Lake lake = TestLake.lake("in_place_no_context", Storage.LOCAL);
    Configuration hadoop = TestLake.spark().sessionState().newHadoopConf();
    hadoop.unset("fs.AbstractFileSystem.file.impl");  // as a file system Hadoop has no FileContext for
    InPlaceCheckpointFiles files = new InPlaceCheckpointFiles(new Path(lake.checkpointRoot()), hadoop);
    assertFalse(files.inPlace());
    writtenOnceThroughARename(files, new Path(lake.checkpointRoot() + "/offsets/0"));
  }

  /** A batch's offsets through the rename: written whole, then refused a second time. */
  private static void writtenOnceThroughARename(InPlaceCheckpointFiles files, Path offsets) throws IOException {
    files.mkdirs(offsets.getParent());
    try (OutputStream out = files.createAtomic(offsets, false)) {
      out.write(FIRST);
    }
    assertArrayEquals(FIRST, read(files, offsets));
    assertThrows(FileAlreadyExistsException.class, () -> files.createAtomic(offsets, false).close());
  }

  private static byte[] read(CheckpointFileManager files, Path path) throws IOException {
    try (InputStream in = files.open(path)) {
      return in.readAllBytes();
    }
  }

  private static List<String> keys(S3Client s3, String bucket, String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents().stream()
        .map(o -> o.key()).filter(key -> !key.endsWith("/")).sorted().toList();  // not S3A's directory markers
  }
}
