package cn.healthcard.hub.cards;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * A real PostgreSQL for the module's tests, started once per JVM, with the hub schema migrated
 * exactly as the application migrates it. {@link #truncateCards()} gives each test clean tables.
 */
public final class TestDatabase {
  private static EmbeddedPostgres postgres;

  private TestDatabase() {}

  public static synchronized DataSource dataSource() {
    if (postgres == null) {
      try {
        postgres = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      Flyway.configure()
          .dataSource(postgres.getPostgresDatabase())
          .schemas("hub")
          .createSchemas(true)
          .locations("classpath:db/hub")
          .load()
          .migrate();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      postgres.close();
                    } catch (IOException ignored) {
                      // the JVM is going away
                    }
                  }));
    }
    return postgres.getPostgresDatabase();
  }

  /** Empties every table of the hub schema. */
  public static void truncateAll() {
    try (Connection connection = dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute(
          "do $$ declare t text; begin"
              + " for t in select tablename from pg_tables where schemaname = 'hub'"
              + " and tablename <> 'flyway_schema_history' loop"
              + " execute 'truncate table hub.' || quote_ident(t) || ' cascade'; end loop; end $$");
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
