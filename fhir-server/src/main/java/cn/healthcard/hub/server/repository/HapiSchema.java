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
    resetLinkSourceStatistics(dataSource);
    return new HapiSchema();
  }

  /**
   * HAPI's schema gives {@code hfj_res_link.src_resource_id} a statistics target of 10,000. The
   * column is nearly unique, so the 10,000-value list helps no estimate, but PostgreSQL walks it
   * for every id of an {@code IN (...)} list while planning: HAPI's include query after a page
   * of {@code $everything} (one id per resource, a new statement for every record size, so never
   * a cached plan) took about 105 ms to plan for 300 ids and 1 ms to run. With the default target
   * it plans in about 1 ms (bench/wholelife.sh: $everything p95 487 -> 200 ms). Done once: the
   * column's target is only changed (and the table analysed) when it is not the default yet.
   */
  static void resetLinkSourceStatistics(DataSource dataSource) {
    try (java.sql.Connection connection = dataSource.getConnection();
        java.sql.Statement statement = connection.createStatement()) {
      try (java.sql.ResultSet rs = statement.executeQuery(
          "select a.attstattarget from pg_attribute a join pg_class c on c.oid = a.attrelid"
              + " where c.relname = 'hfj_res_link' and c.relkind = 'r' and pg_table_is_visible(c.oid)"
              + " and a.attname = 'src_resource_id'")) {
        if (!rs.next() || rs.getObject(1) == null || rs.getInt(1) < 0) {
          return;
        }
      }
      statement.execute("alter table hfj_res_link alter column src_resource_id set statistics -1");
      statement.execute("analyze hfj_res_link");
      log.info("hfj_res_link.src_resource_id statistics target reset to the default");
    } catch (java.sql.SQLException e) {
      log.warn("Could not reset the statistics target of hfj_res_link.src_resource_id ({})", e.getSQLState());
    }
  }
}
