package cn.healthcard.hub.federation.peer;

import cn.healthcard.hub.federation.peer.FederatedRead.PeerAnswer;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/**
 * Joins the peers' answers to the local one: each resource marked with the hub it came from
 * ({@code meta.source} = the hub's FHIR base, with the writing request's id after {@code #} as HAPI
 * keeps it; a peer's resource under its absolute URL there), one Provenance per answering peer
 * naming what it contributed, and one OperationOutcome listing every peer that is missing and why.
 * Nothing of it is stored.
 */
public final class FederatedBundle {
  /** How a province's hub is named in Provenance agents. */
  public static final String HUB_IDENTIFIER_SYSTEM = HubCodeSystems.BASE + "/NamingSystem/province-hub";
  static final String PROVENANCE_AGENT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

  private FederatedBundle() {}

  /**
   * @param bundle the local answer (a searchset), changed in place
   * @param localSource this hub's FHIR base URL, the {@code meta.source} of its own resources
   */
  public static void merge(Bundle bundle, String localSource, List<PeerAnswer> answers, Date now) {
    for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
      Resource resource = entry.getResource();
      if (resource != null) {
        String source = resource.getMeta().getSource();
        // HAPI keeps "#<request id>" when the writer named no system: the system is this hub
        if (source == null || source.isEmpty() || source.startsWith("#")) {
          resource.getMeta().setSource(localSource + (source == null ? "" : source));
        }
      }
    }
    OperationOutcome gaps = new OperationOutcome();
    for (PeerAnswer answer : answers) {
      PeerHub peer = answer.peer();
      if (answer.failure() != null) {
        gaps.addIssue().setSeverity(OperationOutcome.IssueSeverity.WARNING).setCode(answer.failure().type())
            .setDiagnostics(answer.failure().getMessage()).addExpression("peer:" + peer.code());
        continue;
      }
      if (answer.resources().isEmpty()) {
        continue;
      }
      Provenance provenance = new Provenance();
      provenance.setRecorded(now);
      provenance.addAgent().setType(new org.hl7.fhir.r4.model.CodeableConcept(
              new Coding(PROVENANCE_AGENT_TYPE, "custodian", "Custodian")))
          .setWho(new Reference().setDisplay("health-information hub of province " + peer.code())
              .setIdentifier(new org.hl7.fhir.r4.model.Identifier().setSystem(HUB_IDENTIFIER_SYSTEM).setValue(peer.code())));
      provenance.addEntity().setRole(Provenance.ProvenanceEntityRole.SOURCE).setWhat(new Reference(peer.base()));
      for (Resource resource : answer.resources()) {
        String fullUrl = peer.base() + "/" + resource.fhirType() + "/" + resource.getIdElement().getIdPart();
        // the peer's own request id kept, its system being the peer whatever it claimed
        String source = resource.getMeta().getSource();
        int fragment = source == null ? -1 : source.indexOf('#');
        resource.getMeta().setSource(peer.base() + (fragment >= 0 ? source.substring(fragment) : ""));
        resource.setIdElement(resource.getIdElement().toUnqualifiedVersionless());
        bundle.addEntry().setFullUrl(fullUrl).setResource(resource).getSearch().setMode(Bundle.SearchEntryMode.MATCH);
        provenance.addTarget(new Reference(fullUrl));
      }
      bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(provenance)
          .getSearch().setMode(Bundle.SearchEntryMode.INCLUDE);
    }
    if (!gaps.getIssue().isEmpty()) {
      bundle.addEntry().setFullUrl("urn:uuid:" + UUID.randomUUID()).setResource(gaps)
          .getSearch().setMode(Bundle.SearchEntryMode.OUTCOME);
    }
  }
}
