package cn.healthcard.hub.server.records;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.param.TokenAndListParam;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;

/**
 * The hub's rules around HAPI's {@code Patient/$merge} and {@code Patient/$hapi.fhir.undo-merge}
 * (whose semantics are FHIR's: references move to the target, the source becomes inactive with a
 * {@code replaced-by} link, its identifiers are copied to the target as {@code old}, a Provenance
 * records it, the undo restores the versions before the merge):
 *
 * <ul>
 *   <li>the health-card number names the person, so the record carrying it survives: a merge whose
 *       source carries a card number the target does not is refused (swap them); two records
 *       carrying different card numbers are two persons and are never merged;
 *   <li>a merge can be undone for {@code hub.records.unmerge-grace-period} after it was recorded.
 * </ul>
 */
@Interceptor
public class RecordMergeRules {
  static final String MERGE = "$merge";
  static final String UNDO_MERGE = "$hapi.fhir.undo-merge";

  private final FhirContext fhir;
  private final DaoRegistry daos;
  private final Duration gracePeriod;
  private final Clock clock;

  public RecordMergeRules(FhirContext fhir, DaoRegistry daos, Duration gracePeriod, Clock clock) {
    this.fhir = fhir;
    this.daos = daos;
    this.gracePeriod = gracePeriod;
    this.clock = clock;
  }

  @Hook(Pointcut.SERVER_INCOMING_REQUEST_PRE_HANDLED)
  public void beforeOperation(RequestDetails request, RestOperationTypeEnum operation) {
    if (operation != RestOperationTypeEnum.EXTENDED_OPERATION_TYPE || !"Patient".equals(request.getResourceName())) {
      return;
    }
    String name = request.getOperation();
    if (!MERGE.equals(name) && !UNDO_MERGE.equals(name)) {
      return;
    }
    Parameters parameters = parameters(request);
    if (parameters == null) {
      return; // HAPI answers a malformed request itself
    }
    Optional<Patient> source = resolve(parameters, "source-patient");
    Optional<Patient> target = resolve(parameters, "target-patient");
    if (MERGE.equals(name)) {
      if (source.isPresent() && target.isPresent()) {
        checkCardNumbers(source.get(), target.get());
      }
    } else if (target.isPresent()) {
      checkGracePeriod(target.get());
    }
  }

  private void checkCardNumbers(Patient source, Patient target) {
    Set<String> sourceCards = cards(source);
    Set<String> targetCards = cards(target);
    if (!sourceCards.isEmpty() && !targetCards.isEmpty() && !sourceCards.equals(targetCards)) {
      throw refused("Parameters.parameter[source-patient]",
          "the two records carry different health-card numbers: they are two persons and are not merged");
    }
    if (!sourceCards.isEmpty() && targetCards.isEmpty()) {
      throw refused("Parameters.parameter[target-patient]",
          "the source record carries the health-card number, which names the person: merge into it (give it as the"
              + " target) instead");
    }
  }

  private void checkGracePeriod(Patient target) {
    SearchParameterMap map = SearchParameterMap.newSynchronous("target",
        new ReferenceParam("Patient/" + target.getIdElement().getIdPart()));
    map.setSort(new SortSpec("_lastUpdated", SortOrderEnum.DESC));
    List<IBaseResource> found = daos.getResourceDao(Provenance.class).search(map, new SystemRequestDetails())
        .getResources(0, 50);
    Optional<Provenance> lastMerge = found.stream().map(Provenance.class::cast)
        .filter(p -> p.getActivity().getCoding().stream().anyMatch(c -> "merge".equals(c.getCode())))
        .findFirst();
    if (lastMerge.isEmpty() || !lastMerge.get().hasRecorded()) {
      return; // HAPI answers that there is no merge to undo
    }
    Instant recorded = lastMerge.get().getRecorded().toInstant();
    if (recorded.plus(gracePeriod).isBefore(clock.instant())) {
      throw refused("Parameters.parameter[target-patient]",
          "the merge was recorded on " + recorded + "; a merge can be undone for " + gracePeriod.toDays()
              + " days (hub.records.unmerge-grace-period), after that the records are separated by hand");
    }
  }

  private Parameters parameters(RequestDetails request) {
    byte[] body = request.loadRequestContents();
    if (body == null || body.length == 0) {
      return null;
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    try {
      return text.startsWith("<")
          ? fhir.newXmlParser().parseResource(Parameters.class, text)
          : fhir.newJsonParser().parseResource(Parameters.class, text);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private Optional<Patient> resolve(Parameters parameters, String name) {
    Parameters.ParametersParameterComponent byReference = parameters.getParameter(name);
    try {
      if (byReference != null && byReference.getValue() instanceof Reference reference && reference.hasReference()) {
        return Optional.of(daos.getResourceDao(Patient.class).read(
            new org.hl7.fhir.r4.model.IdType(reference.getReference()).toUnqualifiedVersionless(),
            new SystemRequestDetails()));
      }
    } catch (ResourceNotFoundException | ca.uhn.fhir.rest.server.exceptions.ResourceGoneException e) {
      return Optional.empty();
    }
    List<Identifier> identifiers = parameters.getParameters(name + "-identifier").stream()
        .map(Parameters.ParametersParameterComponent::getValue)
        .filter(Identifier.class::isInstance).map(Identifier.class::cast).toList();
    if (identifiers.isEmpty()) {
      return Optional.empty();
    }
    TokenAndListParam and = new TokenAndListParam();
    identifiers.forEach(i -> and.addAnd(new TokenOrListParam().add(new TokenParam(i.getSystem(), i.getValue()))));
    SearchParameterMap map = SearchParameterMap.newSynchronous().add("identifier", and);
    List<IBaseResource> found = daos.getResourceDao(Patient.class).search(map, new SystemRequestDetails()).getResources(0, 2);
    return found.size() == 1 ? Optional.of((Patient) found.get(0)) : Optional.empty();
  }

  private static Set<String> cards(Patient patient) {
    Set<String> cards = new TreeSet<>();
    patient.getIdentifier().stream()
        .filter(i -> ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(i.getSystem()) && i.getUse() != Identifier.IdentifierUse.OLD)
        .forEach(i -> cards.add(i.getValue()));
    return cards;
  }

  private static UnprocessableEntityException refused(String expression, String reason) {
    return cn.healthcard.hub.server.operations.OperationRequests.unprocessable(
        expression, reason, OperationOutcome.IssueType.BUSINESSRULE);
  }
}
