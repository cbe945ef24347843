package io.cryptolake.localstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresServerTest {
  @TempDir Path dataDir;

  @Test
  void servesTheCatalogDatabaseKeepsItAcrossARestartAndStopsDespiteOpenSessions() throws Exception {
    LocalServersConfig config = LocalServersConfig.defaults().withDataDir(dataDir).withFreePorts()
        .withCatalogServer(LocalServersConfig.CatalogServer.POSTGRES);
    List<ProcessHandle> tree = new ArrayList<>();
    try (PostgresServer postgres = new PostgresServer(config)) {
      postgres.start();
      try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl());
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE kept (id int)");
        statement.execute("INSERT INTO kept VALUES (7)");
      }

      // A session left open (a running job's catalog pool) must not hold up a stop.
      Connection open = DriverManager.getConnection(postgres.jdbcUrl());
      tree.addAll(ProcessHandle.of(postgres.pid()).orElseThrow().descendants().toList());
      postgres.stop();
      assertThrows(SQLException.class, () -> open.createStatement().executeQuery("SELECT 1"));

      postgres.start();
      try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl());
          Statement statement = connection.createStatement();
          ResultSet rows = statement.executeQuery("SELECT id FROM kept")) {
        rows.next();
        assertEquals(7, rows.getInt(1));
        assertFalse(rows.next());
      }
      tree.add(ProcessHandle.of(postgres.pid()).orElseThrow());
      tree.addAll(ProcessHandle.of(postgres.pid()).orElseThrow().descendants().toList());
    }
    for (ProcessHandle process : tree) {
      assertFalse(process.isAlive(), "process " + process.pid() + " outlived close()");
    }
  }
}
