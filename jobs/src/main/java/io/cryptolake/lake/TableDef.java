package io.cryptolake.lake;

import java.util.Map;
import java.util.function.Function;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;

/**
 * A table of the lake as the product defines it: name, columns, partitioning, the order rows are written
 * in, and table properties.
 */
public record TableDef(String name, Schema schema, Function<Schema, PartitionSpec> partitioning,
    Function<Schema, SortOrder> ordering, Map<String, String> properties) {

  public TableDef(String name, Schema schema, Function<Schema, PartitionSpec> partitioning,
      Map<String, String> properties) {
    this(name, schema, partitioning, s -> SortOrder.unsorted(), properties);
  }

  public PartitionSpec spec() {
    return partitioning.apply(schema);
  }

  public SortOrder sortOrder() {
    return ordering.apply(schema);
  }
}
