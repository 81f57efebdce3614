package cn.healthcard.hub.federation.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.federation.peer.FederatedRead.PeerAnswer;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

/** Which peer answers are believed, and how they join the local answer. */
class FederatedAnswersTest {
  private static final String CARD = "urn:oid:2.16.156.10011.1.19";
  private static final PeerHub PEER = new PeerHub("21", "http://hub21.example/fhir/", "http://hub21.example/oauth2/token",
      "hub-11", Duration.ofSeconds(5));

  private static Patient patient(String id, String card) {
    Patient patient = new Patient();
    patient.setId(id);
    patient.addIdentifier().setSystem(CARD).setValue(card);
    return patient;
  }

  private static Observation observation(String id, String patientId) {
    Observation observation = new Observation();
    observation.setId(id);
    observation.setSubject(new Reference("Patient/" + patientId));
    observation.getMeta().setSource("#peer-request-1");
    return observation;
  }

  @Test
  void anAnswerIsBelievedOnlyWhenItsPatientsAreTheNamedOnesWithTheIdentifier() throws Exception {
    FederatedRead.verify(PEER, Set.of("p1"), List.of(patient("p1", "21010219800412003x"), observation("o1", "p1")),
        CARD, "21010219800412003X");

    assertThatThrownBy(() -> FederatedRead.verify(PEER, Set.of("p1"), List.of(patient("p1", "110101199001010011")),
        CARD, "21010219800412003X"))
        .isInstanceOfSatisfying(PeerFailure.class, f -> assertThat(f.type()).isEqualTo(OperationOutcome.IssueType.PROCESSING))
        .hasMessage("peer 21 answered with another person's record for this identifier; its answer was refused");
    // the right identifier on a Patient PIXm did not name
    assertThatThrownBy(() -> FederatedRead.verify(PEER, Set.of("p1"), List.of(patient("p2", "21010219800412003X")),
        CARD, "21010219800412003X")).isInstanceOf(PeerFailure.class);
    assertThatThrownBy(() -> FederatedRead.verify(PEER, Set.of("p1"), List.of(observation("o1", "p1")),
        CARD, "21010219800412003X")).hasMessage("peer 21 answered without the person's Patient; its answer was refused");
    // a peer that knows no one has nothing to prove
    FederatedRead.verify(PEER, Set.of(), List.of(), CARD, "21010219800412003X");
  }

  @Test
  void peersPartsJoinTheLocalAnswerMarkedWithTheirSourceAProvenanceAndTheGapsInOneOutcome() {
    Bundle local = new Bundle().setType(Bundle.BundleType.SEARCHSET);
    Patient here = patient("7", "21010219800412003X");
    here.getMeta().setSource("#local-request");
    local.addEntry().setFullUrl("http://hub11.example/fhir/Patient/7").setResource(here);
    PeerHub silent = new PeerHub("32", "http://hub32.example/fhir", "http://hub32.example/oauth2/token", "hub-11",
        Duration.ofSeconds(2));
    Patient there = patient("p1", "21010219800412003X");
    there.setId("Patient/p1/_history/3");
    List<PeerAnswer> answers = List.of(
        new PeerAnswer(PEER, List.of(there, observation("o1", "p1")), null),
        new PeerAnswer(silent, List.of(), new PeerFailure(OperationOutcome.IssueType.TIMEOUT, "peer 32 did not answer within 2000 ms")),
        new PeerAnswer(new PeerHub("33", "http://hub33.example/fhir", "t", "c", Duration.ofSeconds(1)), List.of(), null));

    FederatedBundle.merge(local, "http://hub11.example/fhir", answers, new Date(0));

    List<Resource> resources = local.getEntry().stream().map(Bundle.BundleEntryComponent::getResource).toList();
    assertThat(resources).hasSize(5);
    assertThat(resources.get(0).getMeta().getSource()).isEqualTo("http://hub11.example/fhir#local-request");
    assertThat(local.getEntry().get(1).getFullUrl()).isEqualTo("http://hub21.example/fhir/Patient/p1");
    assertThat(resources.get(1).getIdElement().getValue()).isEqualTo("Patient/p1");
    assertThat(resources.get(1).getMeta().getSource()).isEqualTo("http://hub21.example/fhir");
    assertThat(resources.get(2).getMeta().getSource()).isEqualTo("http://hub21.example/fhir#peer-request-1");
    Provenance provenance = (Provenance) resources.get(3);
    assertThat(local.getEntry().get(3).getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.INCLUDE);
    assertThat(provenance.getTarget()).extracting(Reference::getReference)
        .containsExactly("http://hub21.example/fhir/Patient/p1", "http://hub21.example/fhir/Observation/o1");
    assertThat(provenance.getAgentFirstRep().getWho().getIdentifier().getValue()).isEqualTo("21");
    assertThat(provenance.getEntityFirstRep().getWhat().getReference()).isEqualTo("http://hub21.example/fhir");
    OperationOutcome gaps = (OperationOutcome) resources.get(4);
    assertThat(local.getEntry().get(4).getSearch().getMode()).isEqualTo(Bundle.SearchEntryMode.OUTCOME);
    assertThat(gaps.getIssue()).hasSize(1);
    assertThat(gaps.getIssueFirstRep().getCode()).isEqualTo(OperationOutcome.IssueType.TIMEOUT);
    assertThat(gaps.getIssueFirstRep().getSeverity()).isEqualTo(OperationOutcome.IssueSeverity.WARNING);
    assertThat(gaps.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("peer:32");
  }
}
