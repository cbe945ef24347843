package io.cryptolake.lake;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.jdbc.JdbcClientPool;

/**
 * The lake's JDBC catalog, safe on SQLite with several writers. Iceberg 1.10's {@code JdbcCatalog.initialize}
 * leaves two {@code DatabaseMetaData} result sets open; on SQLite an open statement pins a read transaction
 * on its connection, so that connection's next commit fails with SQLITE_BUSY(_SNAPSHOT) once another
 * connection has written, and its reads stay stale. This catalog's pool closes every metadata result set
 * when the pooled action that opened it ends. Server databases need none of this and use LakeJdbcCatalog.
 */
public final class SqliteJdbcCatalog extends LakeJdbcCatalog {
  public SqliteJdbcCatalog() {
    super(props -> new Pool(props.get(CatalogProperties.URI), props));
  }

  /** A JDBC pool whose connections close the metadata result sets each action leaves open. */
  static final class Pool extends JdbcClientPool {
    Pool(String url, Map<String, String> props) {
      super(url, props);
    }

    @Override
    protected Connection newClient() {
      return MetadataTracking.wrap(super.newClient());
    }

    @Override
    public <R> R run(Action<R, Connection, SQLException> action) throws SQLException, InterruptedException {
      return super.run(closingMetadata(action));
    }

    @Override
    public <R> R run(Action<R, Connection, SQLException> action, boolean retry)
        throws SQLException, InterruptedException {
      return super.run(closingMetadata(action), retry);
    }

    private static <R> Action<R, Connection, SQLException> closingMetadata(Action<R, Connection, SQLException> action) {
      return connection -> {
        try {
          return action.run(connection);
        } finally {
          MetadataTracking.closeOpenResults(connection);
        }
      };
    }
  }

  /** A connection proxy that remembers the result sets its metadata object hands out. */
  private static final class MetadataTracking implements InvocationHandler {
    private final Object target;
    private final List<ResultSet> open;

    private MetadataTracking(Object target, List<ResultSet> open) {
      this.target = target;
      this.open = open;
    }

    static Connection wrap(Connection connection) {
      return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
          new MetadataTracking(connection, new ArrayList<>()));
    }

    static void closeOpenResults(Connection connection) throws SQLException {
      if (Proxy.isProxyClass(connection.getClass())
          && Proxy.getInvocationHandler(connection) instanceof MetadataTracking tracking) {
        synchronized (tracking.open) {
          for (ResultSet result : tracking.open) {
            result.close();
          }
          tracking.open.clear();
        }
      }
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      Object result;
      try {
        result = method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (result instanceof DatabaseMetaData metadata) {
        return Proxy.newProxyInstance(DatabaseMetaData.class.getClassLoader(), new Class<?>[] {DatabaseMetaData.class},
            new MetadataTracking(metadata, open));
      }
      if (result instanceof ResultSet resultSet && target instanceof DatabaseMetaData) {
        synchronized (open) {
          open.add(resultSet);
        }
      }
      return result;
    }
  }
}
