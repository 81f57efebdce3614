package cn.healthcard.hub.federation.pdqm;

import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import cn.healthcard.hub.federation.fhir.PatientToPerson;
import cn.healthcard.hub.federation.fhir.PixmOperation.Disclosure;
import cn.healthcard.hub.federation.index.PatientSource;
import cn.healthcard.hub.federation.index.PersonMatching;
import cn.healthcard.hub.federation.match.Match;
import cn.healthcard.hub.federation.match.Person;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;

/**
 * {@code POST /fhir/Patient/$match} (IHE PDQm ITI-119, FHIR's Patient {@code $match}): the
 * repository's Patients most likely to be the person described, best first, as a searchset
 * Bundle: each entry with {@code search.mode = match}, {@code search.score} (0..1) and the
 * {@code match-grade} extension (certain, probable, possible). {@code onlyCertainMatches=true}
 * answers the certain ones only (an identity or card number shared); {@code count} caps the answer
 * (default {@value #DEFAULT_COUNT}, at most {@value #MAX_COUNT}). Candidates come from the person
 * index; the caller is told only about people the hub's consent rules let it see.
 */
public final class PatientMatchOperation {

  public static final String MATCH_GRADE = "http://hl7.org/fhir/StructureDefinition/match-grade";
  static final int DEFAULT_COUNT = 10;
  static final int MAX_COUNT = 50;

  private final PersonMatching matching;
  private final PatientSource patients;
  private final Disclosure disclosure;

  public PatientMatchOperation(PersonMatching matching, PatientSource patients, Disclosure disclosure) {
    this.matching = matching;
    this.patients = patients;
    this.disclosure = disclosure;
  }

  @Operation(name = "$match", type = Patient.class, idempotent = false)
  public Bundle match(
      @OperationParam(name = "resource", min = 1, max = 1) IBaseResource resource,
      @OperationParam(name = "onlyCertainMatches", min = 0, max = 1) BooleanType onlyCertainMatches,
      @OperationParam(name = "count", min = 0, max = 1) IntegerType count,
      RequestDetails request) {
    if (resource == null) {
      throw invalid("Parameters.parameter:resource", "a Patient to match is required (parameter 'resource')");
    }
    if (!(resource instanceof Patient patient)) {
      throw invalid("Parameters.parameter:resource", "the resource to match must be a Patient, not a "
          + resource.getClass().getSimpleName());
    }
    int limit = DEFAULT_COUNT;
    if (count != null && count.getValue() != null) {
      if (count.getValue() < 1) {
        throw invalid("Parameters.parameter:count", "count must be a positive integer");
      }
      limit = Math.min(MAX_COUNT, count.getValue());
    }
    boolean onlyCertain = onlyCertainMatches != null && Boolean.TRUE.equals(onlyCertainMatches.getValue());
    Person query = PatientToPerson.query(patient);
    if (!enough(query)) {
      OperationOutcome outcome = outcome("Patient", "too little to match on: give an identity or card number, a phone"
          + " number, or a name with a birth date, gender or address");
      throw new UnprocessableEntityException("too little to match on", outcome);
    }

    List<Match> matches;
    try {
      matches = matching.match(query, MAX_COUNT, onlyCertain);
    } catch (java.io.UncheckedIOException e) {
      throw new PersonIndexUnavailableException();
    }
    Map<String, Match> byId = new LinkedHashMap<>();
    for (Match match : matches) {
      if (disclosure.mayDisclose(request, match.candidate().id())) {
        byId.putIfAbsent(match.candidate().id(), match);
      }
      if (byId.size() == limit) {
        break;
      }
    }
    Map<String, Patient> records = new LinkedHashMap<>();
    for (Patient record : patients.read(byId.keySet())) {
      records.put(record.getIdElement().getIdPart(), record);
    }

    Bundle answer = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    String base = request.getFhirServerBase();
    List<Bundle.BundleEntryComponent> entries = new ArrayList<>();
    for (Match match : byId.values()) {
      // a record deleted since it was indexed is not answered
      Patient record = records.get(match.candidate().id());
      if (record == null) {
        continue;
      }
      Bundle.BundleEntryComponent entry = new Bundle.BundleEntryComponent()
          .setFullUrl(base + "/Patient/" + match.candidate().id())
          .setResource(record.setIdElement(record.getIdElement().toUnqualifiedVersionless()));
      entry.getSearch().setMode(Bundle.SearchEntryMode.MATCH).setScore(round(match.score()))
          .addExtension(MATCH_GRADE, new CodeType(match.grade().code()));
      entries.add(entry);
    }
    answer.setEntry(entries);
    answer.setTotal(entries.size());
    return answer;
  }

  /** 503: the person index cannot be asked now (starting, or down); the client may retry. */
  static final class PersonIndexUnavailableException extends ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException {
    private static final long serialVersionUID = 1L;

    PersonIndexUnavailableException() {
      super(503, "the person index is not available now; try again shortly");
      OperationOutcome outcome = new OperationOutcome();
      outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR).setCode(OperationOutcome.IssueType.TRANSIENT)
          .setDiagnostics(getMessage());
      setOperationOutcome(outcome);
    }
  }

  /**
   * What a match needs: an identity or card number, a phone number, or a name with something else
   * (birth date, gender or county): a name alone is shared by too many to weigh.
   */
  private static boolean enough(Person query) {
    boolean named = query.family() != null || query.given() != null;
    boolean more = query.birthDate() != null || query.gender() != null || query.county() != null;
    return (named && more) || query.identityNumber() != null || query.cardNumber() != null
        || !query.phoneDigits().isEmpty();
  }

  private static java.math.BigDecimal round(double score) {
    return java.math.BigDecimal.valueOf(score).setScale(4, java.math.RoundingMode.HALF_UP).stripTrailingZeros();
  }

  private static InvalidRequestException invalid(String location, String text) {
    InvalidRequestException e = new InvalidRequestException(text);
    e.setOperationOutcome(outcome(location, text));
    return e;
  }

  private static OperationOutcome outcome(String location, String text) {
    OperationOutcome outcome = new OperationOutcome();
    outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.ERROR)
        .setCode(OperationOutcome.IssueType.INCOMPLETE).setDiagnostics(text).addExpression(location);
    return outcome;
  }
}
