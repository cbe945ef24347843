package io.cryptolake.jobs;

import io.cryptolake.cli.Server;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

/**
 * One streaming job as {@link JobRunner} runs it, alone in its application (bronze-binance.sh ...) or beside
 * the others in one (pipeline.sh): its name (that of its checkpoint, its lease and its metrics), the tables it
 * writes (whose old snapshots it expires), the servers it needs, the check before its queries, its queries
 * (each started again from its checkpoint after a failure), and what runs beside them for as long as they do.
 */
record JobQueries(String name, List<String> writes, List<Server> servers, Consumer<SparkSession> beforeQueries,
    Function<SparkSession, List<Supplier<StreamingQuery>>> queries, Function<SparkSession, AutoCloseable> beside) {

  JobQueries(String name, List<String> writes, List<Server> servers, Consumer<SparkSession> beforeQueries,
      Function<SparkSession, List<Supplier<StreamingQuery>>> queries) {
    this(name, writes, servers, beforeQueries, queries, spark -> () -> { });
  }
}
