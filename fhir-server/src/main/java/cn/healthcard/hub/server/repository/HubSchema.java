package cn.healthcard.hub.server.repository;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's own tables (inbox, registries, ledgers) live in the schema {@code hub}, apart from
 * HAPI's, and are migrated by Flyway from {@code classpath:db/hub}.
 */
public final class HubSchema {
  private static final Logger log = LoggerFactory.getLogger(HubSchema.class);
  public static final String SCHEMA = "hub";

  private HubSchema() {}

  public static HubSchema migrate(DataSource dataSource) {
    MigrateResult result =
        Flyway.configure()
            .dataSource(dataSource)
            .schemas(SCHEMA)
            .createSchemas(true)
            .locations("classpath:db/hub")
            .load()
            .migrate();
    log.info("Hub schema at version {} ({} migrations run)", result.targetSchemaVersion, result.migrationsExecuted);
    return new HubSchema();
  }
}
