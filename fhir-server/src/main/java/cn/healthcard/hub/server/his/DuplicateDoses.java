package cn.healthcard.hub.server.his;

import cn.healthcard.hub.mappings.hl7v2.DoseReport;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.vxu.ImmunizationDuplicates;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;

/**
 * The same dose reported twice (by the vaccination site and by the hospital: same person, vaccine,
 * day and lot) is stored once. Before a VXU's transaction is written, each reported dose is looked
 * up among the person's stored Immunizations; a match from another source takes the new entry's
 * place, so the message's Provenance names the stored dose as its target and records the second
 * source of it.
 */
final class DuplicateDoses {
  private final Function<String, Optional<IBaseResource>> findOne;
  private final Function<String, List<IBaseResource>> search;
  private final java.util.function.Consumer<String> lockPerson;

  DuplicateDoses(
      Function<String, Optional<IBaseResource>> findOne,
      Function<String, List<IBaseResource>> search,
      java.util.function.Consumer<String> lockPerson) {
    this.findOne = findOne;
    this.search = search;
    this.lockPerson = lockPerson;
  }

  Bundle resolve(Bundle transaction, List<DoseReport> doses) {
    if (doses.isEmpty()) {
      return transaction;
    }
    Map<String, String> existing = new HashMap<>();
    for (DoseReport dose : doses) {
      Optional<String> patient = storedPatient(transaction, dose.patientFullUrl());
      if (patient.isEmpty()) {
        continue;
      }
      // two sources reporting the same dose at once: the second waits for the first to commit,
      // then finds its dose (a transaction-scoped lock on the person)
      lockPerson.accept(patient.get());
      Immunization reported = immunization(transaction, dose.fullUrl());
      String query =
          "Immunization?patient=" + patient.get()
              + "&vaccine-code=" + SearchUrls.encode(dose.vaccineSystem() + "|" + dose.vaccineCode())
              + "&date=" + dose.occurrenceDate()
              + "&status=completed";
      for (IBaseResource candidate : search.apply(query)) {
        Immunization stored = (Immunization) candidate;
        if (sameRecord(stored, reported) || differentLots(stored, dose.lotNumber())) {
          continue;
        }
        existing.put(dose.fullUrl(), "Immunization/" + stored.getIdElement().getIdPart());
        break;
      }
    }
    return existing.isEmpty() ? transaction : ImmunizationDuplicates.rewrite(transaction, existing);
  }

  /** The stored Patient the transaction's patient entry matches ("Patient/123"), if any. */
  private Optional<String> storedPatient(Bundle transaction, String fullUrl) {
    for (Bundle.BundleEntryComponent entry : transaction.getEntry()) {
      if (!fullUrl.equals(entry.getFullUrl())) {
        continue;
      }
      String condition = entry.getRequest().getIfNoneExist();
      String url = condition == null || condition.isEmpty()
          ? entry.getRequest().getUrl()
          : condition.contains("?") ? condition : "Patient?" + condition;
      if (url != null && url.matches("Patient/[A-Za-z0-9\\-.]{1,64}")) {
        // the reconciler already resolved the person to their stored Patient
        return Optional.of(url);
      }
      if (url == null || !url.startsWith("Patient?")) {
        return Optional.empty();
      }
      return findOne.apply(url).map(p -> "Patient/" + p.getIdElement().getIdPart());
    }
    return Optional.empty();
  }

  private static Immunization immunization(Bundle transaction, String fullUrl) {
    return transaction.getEntry().stream()
        .filter(e -> fullUrl.equals(e.getFullUrl()))
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(Immunization.class::isInstance)
        .map(Immunization.class::cast)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("dose report without its Immunization entry"));
  }

  /** The same sender's own record of the dose: its conditional update handles it. */
  private static boolean sameRecord(Immunization stored, Immunization reported) {
    for (Identifier mine : reported.getIdentifier()) {
      for (Identifier theirs : stored.getIdentifier()) {
        if (mine.hasValue() && mine.getValue().equals(theirs.getValue())
            && java.util.Objects.equals(mine.getSystem(), theirs.getSystem())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean differentLots(Immunization stored, String lot) {
    return lot != null && stored.hasLotNumber() && !lot.equalsIgnoreCase(stored.getLotNumber());
  }
}
