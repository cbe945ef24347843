package io.cryptolake.proof.bench;

import io.cryptolake.lake.LakeCatalog;
import io.cryptolake.lake.SnapshotCounts;
import io.cryptolake.lake.Tables;
import io.cryptolake.proof.LocalCluster;
import io.cryptolake.schemas.Exchange;
import io.cryptolake.streaming.StreamingReaders;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.spark.sql.SparkSession;

/**
 * How far each job is behind its source, and how many rows its source has received so far. Bronze: Kafka's
 * offsets behind latest (its metric) over what it has read. Silver and gold: the rows of their source tables
 * committed after the snapshot each query's last committed batch read up to (its checkpoint), the slowest of a
 * job's queries; received is the source tables' rows.
 */
final class Backlog {
  /** A reading: rows behind and rows received by each job's source, by job. */
  record Reading(Map<String, Long> behind, Map<String, Long> received) {}

  private final LocalCluster cluster;
  private final SparkSession spark;
  private final LakeCatalog catalog;
  private final String checkpointRoot;
  private final List<String> jobs;

  Backlog(LocalCluster cluster, SparkSession spark, LakeCatalog catalog, List<String> jobs) {
    this.cluster = cluster;
    this.spark = spark;
    this.catalog = catalog;
    this.checkpointRoot = cluster.setting("CRYPTOLAKE_CHECKPOINT_ROOT");
    this.jobs = jobs;
  }

  Reading read() {
    StreamingReaders readers = StreamingReaders.under(checkpointRoot, spark.sparkContext().hadoopConfiguration());
    Map<String, Long> behindByQuery = new HashMap<>();
    Map<String, Set<String>> sourcesOfJob = new HashMap<>();
    Map<String, Long> rowsOfTable = new HashMap<>();
    for (Exchange exchange : Exchange.values()) {
      for (String name : List.of(Tables.bronzeName(exchange), Tables.silverName(exchange))) {
        if (!catalog.exists(name)) {
          continue;
        }
        Table table = catalog.require(name);
        readers.rowsBehind(table).forEach((query, rows) -> {
          behindByQuery.merge(query, rows, Long::sum);
          sourcesOfJob.computeIfAbsent(jobOf(query), j -> new HashSet<>()).add(name);
        });
        rowsOfTable.put(name, SnapshotCounts.of(table.currentSnapshot(), SnapshotSummary.TOTAL_RECORDS_PROP));
      }
    }
    Map<String, Long> behind = new LinkedHashMap<>();
    Map<String, Long> received = new LinkedHashMap<>();
    for (String job : jobs) {
      if (job.startsWith("bronze-")) {
        Map<String, Double> metrics = cluster.metrics(job);
        long kafkaBehind = Math.round(metrics.getOrDefault("offsets_behind_latest", 0.0));
        behind.put(job, kafkaBehind);
        received.put(job, Math.round(metrics.getOrDefault("records_in", 0.0)) + kafkaBehind);
      } else {
        behind.put(job, behindByQuery.entrySet().stream().filter(e -> job.equals(jobOf(e.getKey())))
            .mapToLong(Map.Entry::getValue).max().orElse(0));
        received.put(job, sourcesOfJob.getOrDefault(job, Set.of()).stream().mapToLong(rowsOfTable::get).sum());
      }
    }
    return new Reading(behind, received);
  }

  /** The job a checkpoint (a query's name) belongs to: the longest job name it starts with. */
  private String jobOf(String query) {
    return jobs.stream().filter(job -> query.equals(job) || query.startsWith(job + "-"))
        .max(Comparator.comparingInt(String::length)).orElse(query);
  }
}
