package io.cryptolake.lake;

import java.util.Map;
import java.util.function.Function;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;

/** A table of the lake as the product defines it: name, columns, partitioning and table properties. */
public record TableDef(String name, Schema schema, Function<Schema, PartitionSpec> partitioning,
    Map<String, String> properties) {

  public PartitionSpec spec() {
    return partitioning.apply(schema);
  }
}
