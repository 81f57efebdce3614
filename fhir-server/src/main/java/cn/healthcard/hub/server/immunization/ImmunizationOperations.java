package cn.healthcard.hub.server.immunization;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.UnprocessableEntityException;
import cn.healthcard.hub.server.residence.ResidenceDivisionSearch;
import cn.healthcard.hub.terminology.nip.AdministeredDose;
import cn.healthcard.hub.terminology.nip.NipForecaster;
import cn.healthcard.hub.terminology.nip.NipSchedule;
import cn.healthcard.hub.terminology.nip.NipSeries;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.DecimalType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.ImmunizationRecommendation;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.UnsignedIntType;

/**
 * What public-health agencies ask beyond search: the national programme's next due doses for a
 * child ({@code Patient/{id}/$immunization-forecast}) and coverage of a birth cohort in a
 * division ({@code Immunization/$coverage}).
 */
public class ImmunizationOperations {
  static final ZoneId PROVINCE_ZONE = ZoneId.of("Asia/Shanghai");
  /**
   * The doses coverage reports on, in schedule order: every dose number of every programme
   * series in the schedule in force (the longest path where a series has alternatives, e.g. JE
   * inactivated has four doses, JE live two).
   */
  static Map<NipSeries, Integer> programmeDoses(LocalDate asOf) {
    Map<NipSeries, Integer> doses = new java.util.LinkedHashMap<>();
    for (NipSchedule.SeriesDefinition series : NipSchedule.inForceOn(asOf).allSeries()) {
      int most = series.paths().stream().mapToInt(p -> p.doses().size()).max().orElse(0);
      doses.put(series.series(), most);
    }
    return doses;
  }

  private final DaoRegistry daos;
  private final NipForecaster forecaster;
  private final ImmunizationCoverage coverage;

  public ImmunizationOperations(DaoRegistry daos, NipForecaster forecaster, ImmunizationCoverage coverage) {
    this.daos = daos;
    this.forecaster = forecaster;
    this.coverage = coverage;
  }

  @Operation(name = "$immunization-forecast", type = Patient.class, idempotent = true)
  public ImmunizationRecommendation forecast(
      @IdParam IdType patientId,
      @OperationParam(name = "asOf", min = 0) DateType asOf,
      RequestDetails request) {
    Patient patient = daos.getResourceDao(Patient.class).read(patientId.toUnqualifiedVersionless(), request);
    if (!patient.hasBirthDate()) {
      OperationOutcomes.unprocessable("Patient.birthDate", "a forecast needs the child's birth date");
    }
    LocalDate born = day(patient.getBirthDateElement());
    LocalDate when = asOf == null || asOf.isEmpty() ? LocalDate.now(PROVINCE_ZONE) : day(asOf);
    if (when.isBefore(born)) {
      OperationOutcomes.unprocessable("Parameters.parameter[asOf]", "asOf is before the child's birth date");
    }
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.add(Immunization.SP_PATIENT, new ReferenceParam(patient.getIdElement().toUnqualifiedVersionless().getValue()));
    IBundleProvider found = daos.getResourceDao(Immunization.class).search(map, request);
    List<AdministeredDose> history = new ArrayList<>();
    for (IBaseResource resource : found.getAllResources()) {
      Immunization immunization = (Immunization) resource;
      AdministeredDose.fromImmunization(immunization)
          .map(d -> new AdministeredDose(d.system(), d.code(), d.date(),
              immunization.getIdElement().toUnqualifiedVersionless().getValue()))
          .ifPresent(history::add);
    }
    ImmunizationRecommendation recommendation =
        forecaster.toImmunizationRecommendation(
            new Reference(patient.getIdElement().toUnqualifiedVersionless().getValue()), born, history, when);
    recommendation.setAuthority(new Reference().setDisplay("National Immunization Programme schedule (2021)"));
    return recommendation;
  }

  @Operation(name = "$coverage", type = Immunization.class, idempotent = true)
  public Parameters coverage(
      @OperationParam(name = "division", min = 0) StringType division,
      @OperationParam(name = "birthYear", min = 0) IntegerType birthYear,
      @OperationParam(name = "bornFrom", min = 0) DateType bornFrom,
      @OperationParam(name = "bornTo", min = 0) DateType bornTo,
      @OperationParam(name = "asOf", min = 0) DateType asOf,
      ca.uhn.fhir.rest.api.server.RequestDetails request) {
    if (division == null || division.isEmpty()) {
      OperationOutcomes.unprocessable("Parameters.parameter[division]", "a GB/T 2260 division code is required");
    }
    String prefix;
    try {
      prefix = ResidenceDivisionSearch.normaliseCode(division.getValue());
    } catch (InvalidRequestException e) {
      prefix = null;
      OperationOutcomes.unprocessable("Parameters.parameter[division]", e.getMessage());
    }
    // a public-health agency sees the coverage of its own division, or of a part of it
    java.util.Optional<String> bound = cn.healthcard.hub.security.fhir.RequestCallers.of(request)
        .filter(c -> c.has(cn.healthcard.hub.security.Role.PUBLIC_HEALTH) && !c.has(cn.healthcard.hub.security.Role.OPERATOR))
        .map(cn.healthcard.hub.security.Caller::division);
    if (bound.isPresent() && prefix != null && !prefix.startsWith(bound.get())) {
      throw new ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException(
          "this client sees the coverage of division " + bound.get() + " only");
    }
    LocalDate from;
    LocalDate to;
    if (birthYear != null && !birthYear.isEmpty()) {
      from = LocalDate.of(birthYear.getValue(), 1, 1);
      to = LocalDate.of(birthYear.getValue(), 12, 31);
    } else if (bornFrom != null && !bornFrom.isEmpty() && bornTo != null && !bornTo.isEmpty()) {
      from = day(bornFrom);
      to = day(bornTo);
    } else {
      from = null;
      to = null;
      OperationOutcomes.unprocessable("Parameters.parameter[birthYear]", "the birth cohort is required: birthYear, or bornFrom and bornTo");
    }
    LocalDate when = asOf == null || asOf.isEmpty() ? LocalDate.now(PROVINCE_ZONE) : day(asOf);
    ImmunizationCoverage.Result result = coverage.compute(prefix, from, to, when);

    Parameters out = new Parameters();
    out.addParameter().setName("division").setValue(new StringType(prefix));
    out.addParameter().setName("bornFrom").setValue(new DateType(from.toString()));
    out.addParameter().setName("bornTo").setValue(new DateType(to.toString()));
    out.addParameter().setName("asOf").setValue(new DateType(when.toString()));
    out.addParameter().setName("children").setValue(new UnsignedIntType(result.children()));
    for (Map.Entry<NipSeries, Integer> series : programmeDoses(when).entrySet()) {
      for (int dose = 1; dose <= series.getValue(); dose++) {
        long received = result.received().getOrDefault(series.getKey().code() + "-" + dose, 0L);
        ParametersParameterComponent part = out.addParameter().setName("dose");
        part.addPart().setName("series").setValue(new CodeType(series.getKey().code()));
        part.addPart().setName("display").setValue(new StringType(series.getKey().chineseName()));
        part.addPart().setName("doseNumber").setValue(new UnsignedIntType(dose));
        part.addPart().setName("received").setValue(new UnsignedIntType(received));
        double percent = result.children() == 0 ? 0 : 100.0 * received / result.children();
        part.addPart().setName("coverage").setValue(new DecimalType(Math.round(percent * 10) / 10.0));
      }
    }
    return out;
  }

  /** The calendar day as written (a local date in the province), whatever the JVM's zone. */
  static LocalDate day(org.hl7.fhir.r4.model.BaseDateTimeType value) {
    return LocalDate.of(value.getYear(), value.getMonth() + 1, value.getDay());
  }

  /** 422 answers naming the element. */
  static final class OperationOutcomes {
    private OperationOutcomes() {}

    static void unprocessable(String expression, String message) {
      org.hl7.fhir.r4.model.OperationOutcome outcome = new org.hl7.fhir.r4.model.OperationOutcome();
      outcome.addIssue()
          .setSeverity(org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity.ERROR)
          .setCode(org.hl7.fhir.r4.model.OperationOutcome.IssueType.INVALID)
          .setDiagnostics(message)
          .addExpression(expression);
      throw new UnprocessableEntityException(message, outcome);
    }
  }
}
