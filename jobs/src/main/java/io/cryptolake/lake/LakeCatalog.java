package io.cryptolake.lake;

import io.cryptolake.cli.ConfigError;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateSchema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lake's Iceberg catalog through Iceberg's own API. The streaming jobs create their tables when missing
 * ({@link #ensure}); commands that only read the lake {@link #require} them.
 */
public final class LakeCatalog {
  private static final Logger LOG = LoggerFactory.getLogger(LakeCatalog.class);

  private final Catalog catalog;
  private final LakeConfig lake;

  public LakeCatalog(SparkSession spark, LakeConfig lake) {
    this.catalog = Spark3Util.loadIcebergCatalog(spark, lake.catalogName());
    this.lake = lake;
  }

  public TableIdentifier identifier(String table) {
    return TableIdentifier.of(Namespace.of(lake.namespace()), table);
  }

  /**
   * Loads the table, creating it (and its namespace) first if it does not exist; safe to race. A table made by
   * an earlier version gets the optional columns this version added to its definition, and nothing else.
   */
  public Table ensure(TableDef def) {
    TableIdentifier id = identifier(def.name());
    if (catalog.tableExists(id)) {
      return withIsolation(withNewColumns(catalog.loadTable(id), def), def);
    }
    ensureNamespace();
    try {
      Table table = catalog.buildTable(id, def.schema())
          .withPartitionSpec(def.spec())
          .withSortOrder(def.sortOrder())
          .withProperties(def.properties())
          .create();
      LOG.info("created table {} at {}", lake.qualified(def.name()), table.location());
      return table;
    } catch (RuntimeException raced) {
      // Another job created it first (JDBC catalogs may report that as a constraint violation).
      if (catalog.tableExists(id)) {
        return catalog.loadTable(id);
      }
      throw raced;
    }
  }

  /** A table made before its writers' isolation level changed gets the current one (what they rely on). */
  private static Table withIsolation(Table table, TableDef def) {
    Map<String, String> changed = new TreeMap<>();
    def.properties().forEach((key, value) -> {
      if (key.endsWith(".isolation-level") && !value.equals(table.properties().get(key))) {
        changed.put(key, value);
      }
    });
    if (!changed.isEmpty()) {
      var update = table.updateProperties();
      changed.forEach(update::set);
      update.commit();
      LOG.info("{}: isolation levels set to {}", table.name(), changed);
    }
    return table;
  }

  private Table withNewColumns(Table table, TableDef def) {
    List<Types.NestedField> missing = def.schema().columns().stream()
        .filter(c -> table.schema().findField(c.name()) == null).toList();
    if (missing.isEmpty()) {
      return table;
    }
    try {
      UpdateSchema update = table.updateSchema();
      missing.forEach(c -> update.addColumn(c.name(), c.type(), c.doc()));
      update.commit();
      LOG.info("added columns {} to {}", missing.stream().map(Types.NestedField::name).toList(),
          lake.qualified(def.name()));
    } catch (RuntimeException raced) {
      // Another job added them first; the reload below shows it, or the next start tries again.
      LOG.info("adding columns to {}: {}", lake.qualified(def.name()), raced.toString());
    }
    return catalog.loadTable(identifier(def.name()));
  }

  /**
   * Loads a table a reading command needs. A lake without it is a configuration mistake (another catalog, a
   * warehouse path with a typo): said in one line, never papered over by creating an empty table.
   */
  public Table require(String table) {
    if (!exists(table)) {
      throw missing(lake.qualified(table) + " does not exist");
    }
    return load(table);
  }

  /** The one-line error for a lake that lacks what a command reads. */
  public ConfigError missing(String what) {
    return new ConfigError(what + " in the catalog at " + lake.catalogUri() + " (warehouse " + lake.warehouse()
        + "); expected the lake the streaming jobs write: check --catalog-uri, --warehouse and --namespace");
  }

  public Table load(String table) {
    return catalog.loadTable(identifier(table));
  }

  public boolean exists(String table) {
    return catalog.tableExists(identifier(table));
  }

  private void ensureNamespace() {
    if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(Namespace.of(lake.namespace()))) {
      try {
        namespaces.createNamespace(Namespace.of(lake.namespace()));
      } catch (RuntimeException raced) {
        // Another job created it first (JDBC catalogs may report that as a constraint violation).
        if (!namespaces.namespaceExists(Namespace.of(lake.namespace()))) {
          throw raced;
        }
      }
    }
  }
}
