package cn.healthcard.hub.server.immunization;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Rebuilds the immunization projection from the repository, page by page, reporting progress:
 * once at startup when it has never been built (a database that held Patients and Immunizations
 * before the projection existed), and on an operator's request. Writes during a rebuild are
 * projected by the interceptor as usual; the rebuild's upserts are idempotent.
 */
public class ImmunizationProjectionRebuild {
  private static final Logger log = LoggerFactory.getLogger(ImmunizationProjectionRebuild.class);
  static final int PAGE = 500;

  private final DaoRegistry daos;
  private final ImmunizationProjection projection;
  private final JdbcTemplate jdbc;
  private final AtomicBoolean running = new AtomicBoolean();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong total = new AtomicLong();
  private volatile String phase = "idle";

  public ImmunizationProjectionRebuild(DaoRegistry daos, ImmunizationProjection projection, DataSource dataSource) {
    this.daos = daos;
    this.projection = projection;
    this.jdbc = new JdbcTemplate(dataSource);
  }

  public boolean built() {
    return !jdbc.queryForList("select 1 from hub.iz_projection_state where id = 1").isEmpty();
  }

  /** Starts a rebuild in the background; false when one is already running. */
  public boolean start() {
    if (!running.compareAndSet(false, true)) {
      return false;
    }
    Thread thread = new Thread(this::rebuild, "immunization-projection-rebuild");
    thread.setDaemon(true);
    thread.start();
    return true;
  }

  public Map<String, Object> status() {
    List<Map<String, Object>> state = jdbc.queryForList("select built_at, patients, immunizations from hub.iz_projection_state");
    return Map.of(
        "running", running.get(),
        "phase", phase,
        "done", done.get(),
        "total", total.get(),
        "lastBuilt", state.isEmpty() ? Map.of() : state.get(0));
  }

  void rebuild() {
    try {
      long started = System.nanoTime();
      long patients = project("Patient");
      long immunizations = project("Immunization");
      jdbc.update(
          "insert into hub.iz_projection_state (id, built_at, patients, immunizations) values (1, ?, ?, ?)"
              + " on conflict (id) do update set built_at = excluded.built_at, patients = excluded.patients,"
              + " immunizations = excluded.immunizations",
          java.sql.Timestamp.from(Instant.now()), patients, immunizations);
      log.info("Immunization projection rebuilt: {} patients, {} immunizations in {} s",
          patients, immunizations, (System.nanoTime() - started) / 1_000_000_000);
      phase = "done";
    } catch (RuntimeException e) {
      phase = "failed: " + e.getClass().getSimpleName();
      log.error("Immunization projection rebuild failed: {}", e.getClass().getSimpleName());
    } finally {
      running.set(false);
    }
  }

  private long project(String type) {
    phase = type;
    done.set(0);
    IBundleProvider all = daos.getResourceDao(type).search(new SearchParameterMap(), new SystemRequestDetails());
    Integer size = all.size();
    total.set(size == null ? -1 : size);
    int from = 0;
    while (true) {
      List<IBaseResource> page = all.getResources(from, from + PAGE);
      if (page.isEmpty()) {
        break;
      }
      for (IBaseResource resource : page) {
        projection.project(resource);
      }
      from += page.size();
      done.set(from);
      if (from % 10_000 < PAGE) {
        log.info("Immunization projection rebuild: {} {} of {}", from, type, total.get());
      }
    }
    return from;
  }
}
