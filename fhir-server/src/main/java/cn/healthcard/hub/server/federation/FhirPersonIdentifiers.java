package cn.healthcard.hub.server.federation;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import cn.healthcard.hub.federation.pixm.PersonIdentifiers;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;

/**
 * Cross-referencing's port on the FHIR repository: identifiers are the Patients' own. Read as the
 * hub (the operation's caller has passed authorization; PIXm answers identifiers, not records).
 */
public final class FhirPersonIdentifiers implements PersonIdentifiers {

  /** More people than this with one identifier is a data error; the answer names the first ones. */
  private static final int MOST = 20;

  private final DaoRegistry daos;

  public FhirPersonIdentifiers(DaoRegistry daos) {
    this.daos = daos;
  }

  @Override
  public boolean knowsSystem(String system) {
    SearchParameterMap map = SearchParameterMap.newSynchronous("identifier", new TokenParam(system, null));
    map.setLoadSynchronousUpTo(1);
    return !dao().searchForIds(map, new SystemRequestDetails()).isEmpty();
  }

  @Override
  public List<Person> withIdentifier(Identifier identifier) {
    SearchParameterMap map = SearchParameterMap.newSynchronous("identifier",
        new TokenParam(identifier.system(), identifier.value()));
    map.setLoadSynchronousUpTo(MOST);
    List<Person> people = new ArrayList<>();
    for (IBaseResource resource : dao().search(map, new SystemRequestDetails()).getResources(0, MOST)) {
      Patient patient = (Patient) resource;
      List<Identifier> identifiers = new ArrayList<>();
      for (org.hl7.fhir.r4.model.Identifier i : patient.getIdentifier()) {
        if (i.hasSystem() && i.hasValue()) {
          identifiers.add(new Identifier(i.getSystem(), i.getValue()));
        }
      }
      people.add(new Person(patient.getIdElement().getIdPart(), identifiers));
    }
    return people;
  }

  private IFhirResourceDao<Patient> dao() {
    return daos.getResourceDao(Patient.class);
  }
}
