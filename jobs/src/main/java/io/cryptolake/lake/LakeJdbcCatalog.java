package io.cryptolake.lake;

import java.util.Map;
import java.util.function.Function;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.JdbcClientPool;
import org.apache.iceberg.jdbc.UncheckedSQLException;

/**
 * Iceberg's JDBC catalog, for any database (PostgreSQL on a cluster). Several jobs starting at once on a new
 * catalog race in Iceberg's one-time schema setup (two create the same table, two add the same column); the
 * loser finds the work done when it looks again.
 */
public class LakeJdbcCatalog extends JdbcCatalog {
  public LakeJdbcCatalog() {
    this(null);
  }

  /** {@code clientPool}: the connection pool for the catalog's properties; null for Iceberg's own. */
  protected LakeJdbcCatalog(Function<Map<String, String>, JdbcClientPool> clientPool) {
    super(null, clientPool, true);
  }

  @Override
  public void initialize(String name, Map<String, String> properties) {
    try {
      super.initialize(name, properties);
    } catch (UncheckedSQLException raced) {
      super.initialize(name, properties);
    }
  }
}
