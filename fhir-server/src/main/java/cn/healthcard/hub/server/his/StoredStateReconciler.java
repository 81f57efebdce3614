package cn.healthcard.hub.server.his;

import cn.healthcard.hub.mappings.hl7v2.bundle.FhirPathPatch;
import cn.healthcard.hub.mappings.hl7v2.bundle.HubExtensions;
import cn.healthcard.hub.mappings.hl7v2.siu.SiuToFhir;
import ca.uhn.fhir.parser.IParser;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Bundle.HTTPVerb;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Slot;

/**
 * Reconciles a mapped message with what the repository already holds, before it is written:
 *
 * <ul>
 *   <li><b>Out of order.</b> A conditional update whose target has seen a newer source event
 *       (the newest time applied to it, kept in {@link EventTimes}, or the one stamped on it)
 *       is turned into a conditional create on the same URL: it resolves references to the
 *       stored resource and changes nothing, so an A08 that arrives after a later A03 cannot roll
 *       the record back.
 *   <li><b>Identifiers are never lost.</b> A Patient update keeps every identifier the stored
 *       Patient has (another hospital's MRN, the card number) beside the ones in the message.
 *   <li><b>Nothing changed, nothing written.</b> An update equal to the stored resource apart
 *       from its event time becomes a no-op too (no new version, no re-indexing); only the event
 *       time moves forward. Most ADT messages repeat the patient's demographics. (Resources that
 *       reference other entries of the message by urn:uuid never compare equal and are written.)
 *   <li><b>Links are never lost.</b> A Patient update keeps the links the stored Patient has
 *       unless the message removes them (ADT^A37); an Account update keeps the billing system's
 *       service period and name when it carries none.
 *   <li><b>Slots follow their appointment.</b> An Appointment update naming no resources keeps
 *       the stored Slots; when its status changes they follow (a cancellation frees them).
 *   <li><b>A notification keeps the document.</b> A DocumentReference update whose attachments
 *       carry no data and no URL (an MDM notification: the sender holds the document) keeps the
 *       content of the stored DocumentReference.
 *   <li><b>A status patch of what was never received changes nothing.</b> A conditional PATCH
 *       (a replaced document becoming superseded) whose target is not stored is dropped; one whose
 *       target is found becomes a patch by id, with If-Match.
 *   <li>A conditional update whose target was found here becomes an update by id (the same
 *       search is not run twice). It carries If-Match with the version read here: if a
 *       concurrent message changed the resource in between, the write fails on the version
 *       check and the whole message is retried.
 * </ul>
 */
final class StoredStateReconciler {

  private final Function<String, Optional<IBaseResource>> findOne;
  private final EventTimes eventTimes;
  private final IParser parser;

  StoredStateReconciler(
      Function<String, Optional<IBaseResource>> findOne, EventTimes eventTimes, IParser parser) {
    this.findOne = findOne;
    this.eventTimes = eventTimes;
    this.parser = parser;
  }

  Bundle reconcile(Bundle transaction) {
    transaction.getEntry().removeIf(entry -> entry.getRequest().getMethod() == HTTPVerb.PATCH && !resolvePatch(entry));
    // each conditional update's stored target, looked up once; and the stored id each fullUrl stands for
    Map<BundleEntryComponent, IBaseResource> storedTargets = new IdentityHashMap<>();
    Map<String, String> storedIds = new HashMap<>();
    for (BundleEntryComponent entry : transaction.getEntry()) {
      if (entry.getRequest().getMethod() == HTTPVerb.PUT && entry.getRequest().getUrl().contains("?")) {
        findOne.apply(entry.getRequest().getUrl()).ifPresent(found -> {
          storedTargets.put(entry, found);
          storedIds.put(entry.getFullUrl(), found.fhirType() + "/" + found.getIdElement().getIdPart());
        });
      }
    }
    List<BundleEntryComponent> slotPatches = new ArrayList<>();
    for (BundleEntryComponent entry : transaction.getEntry()) {
      if (entry.getRequest().getMethod() != HTTPVerb.PUT || !entry.getRequest().getUrl().contains("?")) {
        continue;
      }
      String url = entry.getRequest().getUrl();
      Optional<IBaseResource> stored = Optional.ofNullable(storedTargets.get(entry));
      if (stored.isEmpty()) {
        // a new Patient has no links to remove
        if (entry.getResource() instanceof Patient p) {
          p.getExtension().removeIf(e -> HubExtensions.UNLINK.equals(e.getUrl()));
        }
        continue;
      }
      Resource incoming = entry.getResource();
      String type = incoming.fhirType();
      String id = stored.get().getIdElement().getIdPart();
      Optional<Instant> incomingTime = eventTime(incoming);
      Optional<Instant> storedTime = newest(eventTime(stored.get()), eventTimes.get(type, id));
      if (storedTime.isPresent() && incomingTime.isPresent() && storedTime.get().isAfter(incomingTime.get())) {
        noOp(entry, url);
        continue;
      }
      if (incoming instanceof Patient patient
          && stored.get() instanceof Patient existing
          && !isMergedAway(patient)) {
        keepIdentifiers(existing, patient);
        keepLinks(existing, patient, storedIds);
      } else if (incoming instanceof Patient patient) {
        patient.getExtension().removeIf(e -> HubExtensions.UNLINK.equals(e.getUrl()));
      }
      if (incoming instanceof Account account && stored.get() instanceof Account existing) {
        keepBillingDetails(existing, account);
      }
      if (incoming instanceof Appointment appointment && stored.get() instanceof Appointment existing) {
        slotPatches.addAll(keepSlots(existing, appointment));
      }
      if (incoming instanceof DocumentReference document && stored.get() instanceof DocumentReference existing
          && isNotification(document) && existing.hasContent()) {
        document.setContent(existing.copy().getContent());
      }
      incomingTime.ifPresent(t -> eventTimes.advance(type, id, t));
      if (sameApartFromEventTime(stored.get(), incoming)) {
        noOp(entry, url);
        continue;
      }
      // already resolved: update by id, so HAPI does not run the same search again
      entry.getRequest().setUrl(type + "/" + id);
      incoming.setId(type + "/" + id);
      // and only if nobody changed it since we read it (else: version conflict, retried)
      if (stored.get().getIdElement().hasVersionIdPart()) {
        entry.getRequest().setIfMatch("W/\"" + stored.get().getIdElement().getVersionIdPart() + "\"");
      }
    }
    slotPatches.forEach(transaction::addEntry);
    return transaction;
  }

  /**
   * An appointment message that names no resources (a cancellation, a no-show) keeps the Slots the
   * stored Appointment holds, and when it changes the status, those Slots follow it (free once the
   * appointment no longer holds the time).
   */
  private static List<BundleEntryComponent> keepSlots(Appointment existing, Appointment incoming) {
    if (incoming.hasSlot() || !existing.hasSlot()) {
      return List.of();
    }
    existing.getSlot().forEach(slot -> incoming.addSlot(slot.copy()));
    if (incoming.getStatus() == existing.getStatus()) {
      return List.of();
    }
    Slot.SlotStatus status = SiuToFhir.slotStatus(incoming.getStatus());
    List<BundleEntryComponent> patches = new ArrayList<>();
    for (Reference slot : existing.getSlot()) {
      String id = slot.getReferenceElement().toUnqualifiedVersionless().getValue();
      if (id == null || !id.startsWith("Slot/")) {
        continue;
      }
      BundleEntryComponent patch = new BundleEntryComponent();
      patch.setResource(FhirPathPatch.of().replace("Slot.status", new CodeType(status.toCode())).build());
      patch.getRequest().setMethod(HTTPVerb.PATCH).setUrl(id);
      patches.add(patch);
    }
    return patches;
  }

  /**
   * Links the stored Patient has (A24's see-also, a merge's replaces) that the message neither
   * repeats nor removes ({@link HubExtensions#UNLINK}, which is applied here and never stored).
   */
  private static void keepLinks(Patient existing, Patient incoming, Map<String, String> storedIds) {
    Set<String> removed = new HashSet<>();
    for (Extension e : incoming.getExtensionsByUrl(HubExtensions.UNLINK)) {
      if (e.getValue() instanceof Reference r && r.hasReference()) {
        removed.add(storedIds.getOrDefault(r.getReference(), r.getReference()));
      }
    }
    incoming.getExtension().removeIf(e -> HubExtensions.UNLINK.equals(e.getUrl()));
    Set<String> present = new HashSet<>();
    for (Patient.PatientLinkComponent link : incoming.getLink()) {
      present.add(storedIds.getOrDefault(link.getOther().getReference(), link.getOther().getReference()));
    }
    for (Patient.PatientLinkComponent link : existing.getLink()) {
      String other = link.getOther().getReferenceElement().toUnqualifiedVersionless().getValue();
      if (other != null && !present.contains(other) && !removed.contains(other)) {
        incoming.addLink(link.copy());
      }
    }
  }

  /**
   * An Account written by an ADT event (a new number, a move to another patient) carries no
   * service period or name: the billing system's (BAR) stay.
   */
  private static void keepBillingDetails(Account existing, Account incoming) {
    if (!incoming.hasServicePeriod() && existing.hasServicePeriod()) {
      incoming.setServicePeriod(existing.getServicePeriod().copy());
    }
    if (!incoming.hasName() && existing.hasName()) {
      incoming.setName(existing.getName());
    }
  }

  /** A conditional PATCH: false when nothing matches (drop it), else made a patch by id. */
  private boolean resolvePatch(BundleEntryComponent entry) {
    String url = entry.getRequest().getUrl();
    if (!url.contains("?")) {
      return true;
    }
    Optional<IBaseResource> stored = findOne.apply(url);
    if (stored.isEmpty()) {
      return false;
    }
    entry.getRequest().setUrl(stored.get().fhirType() + "/" + stored.get().getIdElement().getIdPart());
    if (stored.get().getIdElement().hasVersionIdPart()) {
      entry.getRequest().setIfMatch("W/\"" + stored.get().getIdElement().getVersionIdPart() + "\"");
    }
    return true;
  }

  /** Only metadata: no attachment carries the document (data) or says where it is (url). */
  private static boolean isNotification(DocumentReference document) {
    return document.getContent().stream().noneMatch(c -> c.getAttachment().hasData() || c.getAttachment().hasUrl());
  }

  /** The non-surviving record of a merge: its identifiers are exactly what the merge says. */
  private static boolean isMergedAway(Patient patient) {
    return patient.getLink().stream().anyMatch(l -> l.getType() == Patient.LinkType.REPLACEDBY);
  }

  /** Resolves references to the stored resource and writes nothing. */
  private static void noOp(BundleEntryComponent entry, String url) {
    entry.getRequest().setMethod(HTTPVerb.POST).setUrl(entry.getResource().fhirType()).setIfNoneExist(url);
  }

  private boolean sameApartFromEventTime(IBaseResource stored, Resource incoming) {
    return comparable(stored).equals(comparable(incoming));
  }

  private String comparable(IBaseResource resource) {
    Resource copy = ((Resource) resource).copy();
    copy.setMeta(null);
    copy.setIdElement(null);
    if (copy instanceof DomainResource d) {
      d.setText(null);
      d.getExtension().removeIf(e -> HubExtensions.SOURCE_EVENT_TIME.equals(e.getUrl()));
    }
    return parser.encodeResourceToString(copy);
  }

  private static Optional<Instant> newest(Optional<Instant> a, Optional<Instant> b) {
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    return Optional.of(a.get().isAfter(b.get()) ? a.get() : b.get());
  }

  private static Optional<Instant> eventTime(IBaseResource resource) {
    if (!(resource instanceof DomainResource d)) {
      return Optional.empty();
    }
    Extension e = d.getExtensionByUrl(HubExtensions.SOURCE_EVENT_TIME);
    return e != null && e.getValue() instanceof DateTimeType t && t.getValue() != null
        ? Optional.of(t.getValue().toInstant())
        : Optional.empty();
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
