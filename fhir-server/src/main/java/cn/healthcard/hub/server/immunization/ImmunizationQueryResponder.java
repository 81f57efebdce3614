package cn.healthcard.hub.server.immunization;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.MatchUrlService;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import cn.healthcard.hub.mappings.hl7v2.AckContext;
import cn.healthcard.hub.mappings.hl7v2.InboundResult;
import cn.healthcard.hub.mappings.hl7v2.qbp.QueryAnswer;
import cn.healthcard.hub.mappings.hl7v2.qbp.RspK11Builder;
import cn.healthcard.hub.routes.his.HisQueries;
import cn.healthcard.hub.terminology.nip.AdministeredDose;
import cn.healthcard.hub.terminology.nip.NipForecaster;
import java.time.Clock;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.ImmunizationRecommendation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Answers QBP^Q11 from the repository: finds the person (by the identifiers the query gives,
 * else by name, birth date and sex), then their Immunizations and, for Z44, the national
 * programme's forecast, and builds the RSP^K11. Merged-away records are not candidates.
 */
public class ImmunizationQueryResponder implements HisQueries {
  /** Candidates returned when the query does not limit them (RCP-2). */
  static final int DEFAULT_LIMIT = 10;
  static final ZoneId PROVINCE_ZONE = ZoneId.of("Asia/Shanghai");

  private final DaoRegistry daos;
  private final MatchUrlService matchUrls;
  private final NipForecaster forecaster;
  private final Clock clock;

  public ImmunizationQueryResponder(
      DaoRegistry daos, MatchUrlService matchUrls, NipForecaster forecaster, Clock clock) {
    this.daos = daos;
    this.matchUrls = matchUrls;
    this.forecaster = forecaster;
    this.clock = clock;
  }

  @Override
  public byte[] answer(InboundResult.Query query) {
    int limit = query.quantityLimit().isPresent() ? query.quantityLimit().getAsInt() : DEFAULT_LIMIT;
    List<Patient> candidates = new ArrayList<>();
    Optional<String> byIdentifier = query.parameters().identifierSearch();
    if (byIdentifier.isPresent()) {
      candidates = patients("Patient?" + byIdentifier.get(), limit + 1);
    }
    // a card number names one person: when it matches no one, people who merely share the
    // name and birth date are someone else, not candidates
    if (candidates.isEmpty() && query.parameters().cardNumber().isEmpty()) {
      Optional<String> byDemographics = query.parameters().demographicSearch();
      if (byDemographics.isPresent()) {
        // names match exactly: a prefix match would offer 李明华's history to a query for 李明
        String exact = byDemographics.get().replaceFirst("^family=", "family:exact=").replace("&given=", "&given:exact=");
        candidates = patients("Patient?" + exact, limit + 1);
      }
    }
    QueryAnswer answer;
    if (candidates.isEmpty()) {
      answer = new QueryAnswer.NotFound();
    } else if (candidates.size() > limit) {
      answer = new QueryAnswer.TooMany();
    } else if (candidates.size() > 1) {
      answer = new QueryAnswer.Candidates(candidates);
    } else {
      answer = found(candidates.get(0), "Z44".equals(query.queryName()));
    }
    return RspK11Builder.encode(query, answer, AckContext.of(OffsetDateTime.now(clock), ""));
  }

  private QueryAnswer found(Patient patient, boolean forecast) {
    String reference = "Patient/" + patient.getIdElement().getIdPart();
    SearchParameterMap map = SearchParameterMap.newSynchronous();
    map.add(Immunization.SP_PATIENT, new ReferenceParam(reference));
    List<Immunization> immunizations = new ArrayList<>();
    for (IBaseResource resource : daos.getResourceDao(Immunization.class).search(map, new SystemRequestDetails()).getAllResources()) {
      immunizations.add((Immunization) resource);
    }
    List<ImmunizationRecommendation> recommendations = new ArrayList<>();
    if (forecast && patient.hasBirthDate()) {
      LocalDate born = ImmunizationOperations.day(patient.getBirthDateElement());
      LocalDate today = LocalDate.now(clock.withZone(PROVINCE_ZONE));
      if (!today.isBefore(born)) {
        List<AdministeredDose> history = new ArrayList<>();
        for (Immunization immunization : immunizations) {
          AdministeredDose.fromImmunization(immunization).ifPresent(history::add);
        }
        recommendations.add(forecaster.toImmunizationRecommendation(new Reference(reference), born, history, today));
      }
    }
    return new QueryAnswer.Found(patient, immunizations, recommendations, List.<Resource>of());
  }

  private List<Patient> patients(String url, int max) {
    SearchParameterMap map =
        matchUrls.translateMatchUrl(url, daos.getFhirContext().getResourceDefinition("Patient"));
    map.setLoadSynchronous(true);
    map.setCount(max);
    List<Patient> found = new ArrayList<>();
    for (IBaseResource resource : daos.getResourceDao(Patient.class).search(map, new SystemRequestDetails()).getResources(0, max)) {
      Patient patient = (Patient) resource;
      boolean mergedAway = patient.getLink().stream().anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY);
      if (!mergedAway) {
        found.add(patient);
      }
    }
    return found;
  }
}
