package cn.healthcard.hub.server.his;

import cn.healthcard.hub.mappings.hl7v2.bundle.HubExtensions;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * Reconciles a mapped message with what the repository already holds, before it is written:
 *
 * <ul>
 *   <li><b>Out of order.</b> A conditional update whose stored target carries a newer
 *       source-event time than the message is turned into a conditional create on the same
 *       URL: it resolves references to the stored resource and changes nothing, so an A08 that
 *       arrives after a later A03 cannot roll the record back.
 *   <li><b>Identifiers are never lost.</b> A Patient update keeps every identifier the stored
 *       Patient has (another hospital's MRN, the card number) beside the ones in the message.
 *   <li>A conditional update whose target was found here becomes an update by id (the same
 *       search is not run twice). It carries If-Match with the version read here: if a
 *       concurrent message changed the resource in between, the write fails on the version
 *       check and the whole message is retried.
 * </ul>
 */
final class StoredStateReconciler {

  private final Function<String, Optional<IBaseResource>> findOne;

  StoredStateReconciler(Function<String, Optional<IBaseResource>> findOne) {
    this.findOne = findOne;
  }

  Bundle reconcile(Bundle transaction) {
    for (BundleEntryComponent entry : transaction.getEntry()) {
      if (entry.getRequest().getMethod() != HTTPVerb.PUT || !entry.getRequest().getUrl().contains("?")) {
        continue;
      }
      String url = entry.getRequest().getUrl();
      Optional<IBaseResource> stored = findOne.apply(url);
      if (stored.isEmpty()) {
        continue;
      }
      if (isNewer(stored.get(), entry.getResource())) {
        entry.getRequest().setMethod(HTTPVerb.POST).setUrl(entry.getResource().fhirType()).setIfNoneExist(url);
        continue;
      }
      if (entry.getResource() instanceof Patient incoming
          && stored.get() instanceof Patient existing
          && !isMergedAway(incoming)) {
        keepIdentifiers(existing, incoming);
      }
      // already resolved: update by id, so HAPI does not run the same search again
      String id = stored.get().getIdElement().getIdPart();
      entry.getRequest().setUrl(entry.getResource().fhirType() + "/" + id);
      // and only if nobody changed it since we read it (else: version conflict, retried)
      if (stored.get().getIdElement().hasVersionIdPart()) {
        entry.getRequest().setIfMatch("W/\"" + stored.get().getIdElement().getVersionIdPart() + "\"");
      }
      entry.getResource().setId(entry.getResource().fhirType() + "/" + id);
    }
    return transaction;
  }

  /** The non-surviving record of a merge: its identifiers are exactly what the merge says. */
  private static boolean isMergedAway(Patient patient) {
    return patient.getLink().stream().anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY);
  }

  private static boolean isNewer(IBaseResource stored, org.hl7.fhir.r4.model.Resource incoming) {
    Optional<DateTimeType> storedTime = eventTime(stored);
    Optional<DateTimeType> incomingTime = eventTime(incoming);
    return storedTime.isPresent()
        && incomingTime.isPresent()
        && storedTime.get().getValue().after(incomingTime.get().getValue());
  }

  private static Optional<DateTimeType> eventTime(IBaseResource resource) {
    if (!(resource instanceof DomainResource d)) {
      return Optional.empty();
    }
    Extension e = d.getExtensionByUrl(HubExtensions.SOURCE_EVENT_TIME);
    return e != null && e.getValue() instanceof DateTimeType t && t.getValue() != null ? Optional.of(t) : Optional.empty();
  }

  private static void keepIdentifiers(Patient existing, Patient incoming) {
    Set<String> present = new HashSet<>();
    for (Identifier i : incoming.getIdentifier()) {
      present.add(i.getSystem() + "|" + i.getValue());
    }
    for (Identifier i : existing.getIdentifier()) {
      if (present.add(i.getSystem() + "|" + i.getValue())) {
        incoming.addIdentifier(i.copy());
      }
    }
  }
}
