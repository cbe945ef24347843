package io.cryptolake.embedded;

import io.cryptolake.lake.LakeConfig;
import io.cryptolake.lake.Tables;
import io.cryptolake.producers.synthetic.Manifest;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.apache.spark.sql.SparkSession;

/** What the embedded run found in each table, against what Kafka holds; printed as the run's summary. */
public record RunReport(Manifest manifest, Map<Exchange, Long> kafkaRecords, Map<Exchange, Long> bronzeRows) {

  public static RunReport collect(SparkSession spark, LakeConfig lake, Manifest manifest,
      ToLongFunction<Exchange> kafkaCount) {
    Map<Exchange, Long> kafka = new LinkedHashMap<>();
    Map<Exchange, Long> bronze = new LinkedHashMap<>();
    for (Exchange exchange : Exchange.values()) {
      kafka.put(exchange, kafkaCount.applyAsLong(exchange));
      bronze.put(exchange, spark.table(lake.qualified(Tables.bronzeName(exchange))).count());
    }
    return new RunReport(manifest, kafka, bronze);
  }

  /** Every Kafka record is in bronze exactly as many times as Kafka holds it. */
  public boolean bronzeComplete() {
    return kafkaRecords.equals(bronzeRows);
  }

  void print(PrintStream out, Path dataDir, LakeConfig lake, StreamConfig stream) {
    out.println();
    out.println("== Produced (manifest: " + dataDir.resolve("manifest.json") + ")");
    manifest.exchanges().forEach((exchange, c) -> out.printf(
        "  %-8s sent %,7d  valid %,7d (duplicates %,d, out of order %,d)  faulty %,d%n",
        exchange, c.sent(), c.valid(), c.duplicates(), c.outOfOrder(), c.expectedDlqTotal()));
    out.println();
    out.println("== Tables");
    out.printf("  %-46s %10s %14s  %s%n", "table", "rows", "kafka records", "check");
    for (Exchange exchange : Exchange.values()) {
      long rows = bronzeRows.get(exchange);
      long records = kafkaRecords.get(exchange);
      out.printf("  %-46s %,10d %,14d  %s%n", lake.qualified(Tables.bronzeName(exchange)), rows, records,
          rows == records ? "OK: every offset once" : "MISMATCH");
    }
    out.println();
    out.println("== Where the data lives (kept after this run)");
    out.println("  warehouse    " + lake.warehouse() + "  (files under " + dataDir.resolve("servers/s3/blobs") + ")");
    out.println("  checkpoints  " + stream.checkpointRoot());
    out.println("  catalog      " + lake.catalogUri() + "  (Iceberg JDBC catalog, namespace " + lake.namespace() + ")");
    out.println("  server logs  " + dataDir.resolve("servers"));
    out.println();
    out.println(bronzeComplete() ? "Result: OK" : "Result: FAILED, bronze does not match Kafka");
  }
}
