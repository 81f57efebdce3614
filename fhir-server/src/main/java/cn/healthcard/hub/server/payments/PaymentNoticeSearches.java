package cn.healthcard.hub.server.payments;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.util.List;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;

/**
 * {@code PaymentNotice?patient=Patient/...} and {@code PaymentNotice?institution=<system>|<code>}:
 * R4 has neither (a notice names no patient, and its payee has no search parameter).
 */
final class PaymentNoticeSearches {

  private PaymentNoticeSearches() {}

  static List<SearchParameter> searchParameters() {
    SearchParameter patient = base("paymentnotice-patient", "patient", "The patient who paid",
        Enumerations.SearchParamType.REFERENCE,
        "PaymentNotice.extension.where(url = '" + HubCodeSystems.PAYMENT_NOTICE_PATIENT + "').value.ofType(Reference)");
    patient.addTarget("Patient");
    SearchParameter institution = base("paymentnotice-institution", "institution",
        "The institution paid (the payee's identifier)", Enumerations.SearchParamType.TOKEN, "PaymentNotice.payee.identifier");
    return List.of(patient, institution);
  }

  private static SearchParameter base(String id, String code, String description, Enumerations.SearchParamType type,
      String expression) {
    SearchParameter sp = new SearchParameter();
    sp.setId(id);
    sp.setUrl(HubCodeSystems.BASE + "/SearchParameter/" + id);
    sp.setName(id);
    sp.setStatus(Enumerations.PublicationStatus.ACTIVE);
    sp.setDescription(description);
    sp.setCode(code);
    sp.addBase("PaymentNotice");
    sp.setType(type);
    sp.setExpression(expression);
    return sp;
  }

  static void install(DaoRegistry daos, ISearchParamRegistry registry) {
    for (SearchParameter sp : searchParameters()) {
      daos.getResourceDao(SearchParameter.class).update(sp, new SystemRequestDetails());
    }
    registry.forceRefresh();
  }
}
