package cn.healthcard.hub.server.federation;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import cn.healthcard.hub.federation.index.PersonIndexOutbox;
import cn.healthcard.hub.routes.personindex.PersonIndexRoutes;
import javax.sql.DataSource;
import org.apache.camel.ProducerTemplate;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Every Patient write leaves a row in the person index's outbox in its own transaction (HAPI's
 * pre-commit pointcuts, on the transaction's connection), and once it commits wakes the indexers,
 * once per transaction however many Patients it wrote.
 */
@Interceptor
public class PatientWritesToPersonIndex {
  private static final Object WAKE = PatientWritesToPersonIndex.class;

  private final JdbcTemplate jdbc;
  private final ProducerTemplate producer;

  public PatientWritesToPersonIndex(DataSource dataSource, ProducerTemplate producer) {
    this.jdbc = new JdbcTemplate(dataSource);
    this.producer = producer;
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_CREATED)
  public void created(IBaseResource resource) {
    record(resource, false);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_UPDATED)
  public void updated(IBaseResource previous, IBaseResource resource) {
    record(resource, false);
  }

  @Hook(Pointcut.STORAGE_PRECOMMIT_RESOURCE_DELETED)
  public void deleted(IBaseResource resource) {
    record(resource, true);
  }

  private void record(IBaseResource resource, boolean deleted) {
    if (!(resource instanceof Patient patient)) {
      return;
    }
    String id = patient.getIdElement().getIdPart();
    Long known = patient.getIdElement().getVersionIdPartAsLong();
    if (known == null && patient.getMeta().getVersionId() != null) {
      known = Long.valueOf(patient.getMeta().getVersionId());
    }
    // a deletion is the next version: removed at it, a late copy of the last one stays out
    long version = (known == null ? 0 : known) + (deleted ? 1 : 0);
    jdbc.execute((ConnectionCallback<Void>) connection -> {
      PersonIndexOutbox.add(connection, id, version, deleted);
      return null;
    });
    if (TransactionSynchronizationManager.isSynchronizationActive()) {
      if (!TransactionSynchronizationManager.hasResource(WAKE)) {
        TransactionSynchronizationManager.bindResource(WAKE, Boolean.TRUE);
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
          @Override
          public void afterCompletion(int status) {
            TransactionSynchronizationManager.unbindResourceIfPossible(WAKE);
            if (status == STATUS_COMMITTED) {
              wake();
            }
          }
        });
      }
    } else {
      wake();
    }
  }

  private void wake() {
    try {
      producer.sendBody(PersonIndexRoutes.CHANGED, "changed");
    } catch (RuntimeException e) {
      // the sweep indexes the write
    }
  }
}
