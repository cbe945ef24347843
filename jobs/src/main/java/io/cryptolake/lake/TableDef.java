package io.cryptolake.lake;

import java.util.Map;
import java.util.function.Function;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;

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

  /**
   * The table's columns, in its order, for a select: each from {@code derived} when it is there, else the input
   * column of the same name. So the column list lives here only, and a writer names only what it computes.
   */
  public Column[] projection(Map<String, Column> derived) {
    return schema.columns().stream().map(Types.NestedField::name)
        .map(name -> derived.getOrDefault(name, functions.col(name)).as(name))
        .toArray(Column[]::new);
  }
}
