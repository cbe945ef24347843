package io.cryptolake.lake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cryptolake.testing.TestLake;
import io.cryptolake.testing.TestLake.Lake;
import io.cryptolake.testing.TestLake.Storage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.apache.hadoop.fs.s3a.Statistic;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.hadoop.HadoopFileIO;
import org.apache.iceberg.hadoop.HadoopOutputFile;
import org.apache.iceberg.io.DelegatingInputStream;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.junit.jupiter.api.Test;

/**
 * The lake's files are written and read on S3 without the requests that only check: no HEAD or LIST before a
 * create, no HEAD before reading a file of known length (Iceberg's Hadoop FileIO sends both), counted by S3A's own
 * statistics against the S3 server; a file that must not be overwritten is still refused; the product's tables use
 * it (a manifest list is asked for its status once), and other file systems behave as before.
 */
class LakeFileIOTest {
  private static final byte[] FIRST = "first".getBytes(StandardCharsets.UTF_8);
  private static final byte[] SECOND = "second, longer".getBytes(StandardCharsets.UTF_8);

  @Test
  void onS3NothingIsAskedBeforeACreateOrTheReadOfAFileOfKnownLength() throws Exception {
    // A bucket of its own: S3A keeps one client per bucket, so its counters are this test's alone.
    String bucket = "lake-file-io";
    try (var s3 = TestLake.servers().s3().client()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
    String root = "s3a://" + bucket + "/" + UUID.randomUUID() + "/";
    Configuration conf = TestLake.spark().sessionState().newHadoopConf();
    S3AFileSystem fs = (S3AFileSystem) new Path(root).getFileSystem(conf);
    LakeFileIO io = new LakeFileIO(conf);

    Map<String, Long> before = requests(fs);
    write(io, root + "data/00000-0-a.parquet", FIRST, false);
    write(io, root + "metadata/00001-b.metadata.json", SECOND, true);
    assertArrayEquals(FIRST, read(io.newInputFile(root + "data/00000-0-a.parquet", FIRST.length)));
    assertEquals(Map.of("HEAD", 0L, "LIST", 0L, "PUT", 2L, "GET", 1L), since(before, fs),
        "two uploads and one read, nothing else");

    // Iceberg's own Hadoop FileIO, the same three operations: what the lake no longer sends.
    before = requests(fs);
    HadoopFileIO hadoop = new HadoopFileIO(conf);
    write(hadoop, root + "data/00000-0-c.parquet", FIRST, false);
    write(hadoop, root + "metadata/00002-d.metadata.json", SECOND, true);
    assertArrayEquals(FIRST, read(hadoop.newInputFile(root + "data/00000-0-c.parquet", FIRST.length)));
    // A HEAD before the create that must not overwrite, a LIST before each create, a HEAD before the read.
    assertEquals(Map.of("HEAD", 2L, "LIST", 2L, "PUT", 2L, "GET", 1L), since(before, fs));

    // A Parquet file is read as Parquet's own reader opens it (ranges the size of each read: S3A's random policy,
    // where a plain open's first GET runs to the end of the file), any other file as a plain open reads it.
    write(io, root + "metadata/snap-1-1-e.avro", SECOND, false);
    assertEquals("random", readPolicy(io.newInputFile(root + "data/00000-0-a.parquet", FIRST.length)));
    String plain;
    try (FSDataInputStream in = fs.open(new Path(root + "metadata/snap-1-1-e.avro"))) {
      plain = readPolicy(in);
    }
    assertEquals(plain, readPolicy(io.newInputFile(root + "metadata/snap-1-1-e.avro", SECOND.length)));
    assertNotEquals("random", plain);

    // A create that must not overwrite is refused by the store (a conditional upload), the file kept.
    String existing = root + "data/00000-0-a.parquet";
    assertThrows(IOException.class, () -> write(io, existing, SECOND, false));
    assertArrayEquals(FIRST, read(io.newInputFile(existing, FIRST.length)));
    write(io, existing, SECOND, true);
    assertArrayEquals(SECOND, read(io.newInputFile(existing, SECOND.length)));
  }

  @Test
  void parquetsWriterIsGivenTheFileIOsConfiguration() {
    // Iceberg's Parquet writer copies the configuration of a HadoopOutputFile; for any other output file it builds
    // a new one, parsing Hadoop's default XML files again for every data file it writes.
    Lake lake = TestLake.lake("lake_file_io_conf", Storage.LOCAL);
    LakeFileIO io = new LakeFileIO(TestLake.spark().sessionState().newHadoopConf());
    String location = lake.dir().resolve("data/00000-0-f.parquet").toUri().toString();
    OutputFile file = io.newOutputFile(location);
    assertSame(io.conf(), assertInstanceOf(HadoopOutputFile.class, file).getConf());
    assertEquals(new Path(location).toString(), file.location());
  }

  @Test
  void theProductsTablesWriteAndReadThroughIt() throws Exception {
    Lake lake = TestLake.lake("lake_file_io", Storage.S3);
    var spark = TestLake.spark();
    String table = "lake_file_io.market_data.t";
    spark.sql("CREATE NAMESPACE IF NOT EXISTS lake_file_io." + lake.config().namespace());
    spark.sql("CREATE TABLE " + table + " (id BIGINT) USING iceberg");
    spark.range(0, 1000).toDF("id").writeTo(table).append();
    spark.range(1000, 1500).toDF("id").writeTo(table).append();
    assertEquals(1500, spark.table(table).count());
    assertEquals(1499L * 1500 / 2, spark.table(table).agg(org.apache.spark.sql.functions.sum("id")).first().getLong(0));
    Table loaded = new LakeCatalog(spark, lake.config()).load("t");
    assertInstanceOf(LakeFileIO.class, loaded.io());

    // A manifest list (no recorded length) as Iceberg reads it: asked for its length and a stream, one HEAD for
    // both; Iceberg's Hadoop FileIO sends a HEAD for each.
    Configuration conf = spark.sessionState().newHadoopConf();
    S3AFileSystem fs = (S3AFileSystem) new Path(lake.config().warehouse()).getFileSystem(conf);
    Map<String, Long> before = requests(fs);
    assertEquals(2, loaded.currentSnapshot().allManifests(loaded.io()).size());
    assertEquals(Map.of("HEAD", 1L, "LIST", 0L, "PUT", 0L, "GET", 1L), since(before, fs));
    Table again = new LakeCatalog(spark, lake.config()).load("t");
    before = requests(fs);
    assertEquals(2, again.currentSnapshot().allManifests(new HadoopFileIO(conf)).size());
    assertEquals(Map.of("HEAD", 2L, "LIST", 0L, "PUT", 0L, "GET", 1L), since(before, fs));
  }

  @Test
  void aSubmissionsOwnFileIOWins() {
    var spark = TestLake.spark();
    String key = "spark.sql.catalog.lake_file_io_own.io-impl";
    spark.conf().set(key, HadoopFileIO.class.getName());
    try {
      Lake lake = TestLake.lake("lake_file_io_own", Storage.LOCAL);
      spark.sql("CREATE NAMESPACE IF NOT EXISTS lake_file_io_own." + lake.config().namespace());
      spark.sql("CREATE TABLE lake_file_io_own.market_data.t (id BIGINT) USING iceberg");
      assertEquals(HadoopFileIO.class, new LakeCatalog(spark, lake.config()).load("t").io().getClass());
    } finally {
      spark.conf().unset(key);
    }
  }

  @Test
  void onALocalPathCreateStillRefusesAnExistingFile() throws Exception {
    Lake lake = TestLake.lake("lake_file_io_local", Storage.LOCAL);
    LakeFileIO io = new LakeFileIO(TestLake.spark().sessionState().newHadoopConf());
    String file = lake.dir().resolve("new/dir/f.avro").toUri().toString();
    write(io, file, FIRST, false);
    assertThrows(AlreadyExistsException.class, () -> io.newOutputFile(file).create());
    assertArrayEquals(FIRST, read(io.newInputFile(file, FIRST.length)));
    write(io, file, SECOND, true);
    assertArrayEquals(SECOND, read(io.newInputFile(file, SECOND.length)));
  }

  private static void write(FileIO io, String location, byte[] bytes, boolean overwrite) throws IOException {
    try (OutputStream out = overwrite ? io.newOutputFile(location).createOrOverwrite()
        : io.newOutputFile(location).create()) {
      out.write(bytes);
    }
  }

  private static byte[] read(InputFile file) throws IOException {
    try (InputStream in = file.newStream()) {
      return in.readAllBytes();
    }
  }

  private static String readPolicy(InputFile file) throws IOException {
    try (var stream = file.newStream()) {
      return readPolicy((FSDataInputStream) ((DelegatingInputStream) stream).getDelegate());
    }
  }

  /** S3A names the policy of an open stream only in its description: "... read policy=random pos=...". */
  private static String readPolicy(FSDataInputStream in) {
    String description = in.getWrappedStream().toString();
    int at = description.indexOf("read policy=") + "read policy=".length();
    return description.substring(at, description.indexOf(' ', at));
  }

  private static Map<String, Long> requests(S3AFileSystem fs) {
    Map<String, Long> counters = fs.getIOStatistics().counters();
    return Map.of(
        "HEAD", counters.getOrDefault(Statistic.OBJECT_METADATA_REQUESTS.getSymbol(), 0L),
        "LIST", counters.getOrDefault(Statistic.OBJECT_LIST_REQUEST.getSymbol(), 0L),
        "PUT", counters.getOrDefault(Statistic.OBJECT_PUT_REQUESTS.getSymbol(), 0L),
        "GET", counters.getOrDefault(Statistic.ACTION_HTTP_GET_REQUEST.getSymbol(), 0L));
  }

  private static Map<String, Long> since(Map<String, Long> before, S3AFileSystem fs) {
    Map<String, Long> now = requests(fs);
    return Map.of("HEAD", now.get("HEAD") - before.get("HEAD"), "LIST", now.get("LIST") - before.get("LIST"),
        "PUT", now.get("PUT") - before.get("PUT"), "GET", now.get("GET") - before.get("GET"));
  }
}
