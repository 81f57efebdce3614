package cn.healthcard.hub.server.federation;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import cn.healthcard.hub.federation.index.PatientSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The repository's Patients for the person index: read by id through HAPI (current versions, the
 * deleted left out), listed for a rebuild in the order of HAPI's own row ids (a keyset walk over
 * {@code hfj_resource}, which stays quick at millions of rows where a search's paging would cache
 * every id first).
 */
final class FhirPatientSource implements PatientSource {
  private final DaoRegistry daos;
  private final JdbcTemplate jdbc;

  FhirPatientSource(DaoRegistry daos, DataSource dataSource) {
    this.daos = daos;
    this.jdbc = new JdbcTemplate(dataSource);
  }

  @Override
  public List<Patient> read(Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    TokenOrListParam any = new TokenOrListParam();
    ids.forEach(id -> any.add(new TokenParam(id)));
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.add("_id", any);
    map.setCount(ids.size());
    IFhirResourceDao<Patient> dao = daos.getResourceDao(Patient.class);
    List<Patient> found = new ArrayList<>(ids.size());
    for (IBaseResource resource : dao.search(map, new SystemRequestDetails()).getResources(0, ids.size())) {
      Patient patient = (Patient) resource;
      if (!patient.getIdElement().hasVersionIdPart()) {
        patient.setIdElement(patient.getIdElement().withVersion(patient.getMeta().getVersionId()));
      }
      found.add(patient);
    }
    return found;
  }

  @Override
  public long count() {
    Long count = jdbc.queryForObject(
        "select count(*) from hfj_resource where res_type = 'Patient' and res_deleted_at is null", Long.class);
    return count == null ? 0 : count;
  }

  @Override
  public void forEachPage(int pageSize, Consumer<List<Patient>> page) {
    long after = Long.MIN_VALUE;
    while (true) {
      List<Object[]> rows = jdbc.query(
          "select res_id, fhir_id from hfj_resource where res_type = 'Patient' and res_deleted_at is null"
              + " and res_id > ? order by res_id limit ?",
          (rs, n) -> new Object[] {rs.getLong(1), rs.getString(2)}, after, pageSize);
      if (rows.isEmpty()) {
        return;
      }
      after = (Long) rows.get(rows.size() - 1)[0];
      List<String> ids = rows.stream().map(r -> (String) r[1]).toList();
      List<Patient> patients = read(ids);
      if (!patients.isEmpty()) {
        page.accept(patients);
      }
    }
  }
}
