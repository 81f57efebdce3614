package cn.healthcard.hub.server.repository;

import ca.uhn.fhir.jpa.migrate.DriverTypeEnum;
import ca.uhn.fhir.jpa.migrate.HapiMigrator;
import ca.uhn.fhir.jpa.migrate.MigrationResult;
import ca.uhn.fhir.jpa.migrate.tasks.HapiFhirJpaMigrationTasks;
import ca.uhn.fhir.util.VersionEnum;
import java.util.Set;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings HAPI's tables to the schema of the HAPI version on the classpath with HAPI's own
 * migrator, so Hibernate only validates (never alters) the schema.
 */
public final class HapiSchema {
  private static final Logger log = LoggerFactory.getLogger(HapiSchema.class);
  static final String MIGRATION_TABLE = "FLY_HFJ_MIGRATION";

  private HapiSchema() {}

  public static HapiSchema migrate(DataSource dataSource) {
    long started = System.nanoTime();
    HapiMigrator migrator = new HapiMigrator(MIGRATION_TABLE, dataSource, DriverTypeEnum.POSTGRES_9_4);
    migrator.addTasks(new HapiFhirJpaMigrationTasks(Set.of()).getAllTasks(VersionEnum.values()));
    migrator.createMigrationTableIfRequired();
    MigrationResult result = migrator.migrate();
    log.info(
        "HAPI schema up to date: {} migration tasks run in {} ms",
        result.succeededTasks.size(),
        (System.nanoTime() - started) / 1_000_000);
    return new HapiSchema();
  }
}
