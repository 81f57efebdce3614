package cn.healthcard.hub.mappings.hl7v2;

import static cn.healthcard.hub.mappings.hl7v2.Messages.ADT_A01;
import static cn.healthcard.hub.mappings.hl7v2.Messages.CARD;
import static cn.healthcard.hub.mappings.hl7v2.Messages.ORU_R01;
import static cn.healthcard.hub.mappings.hl7v2.Messages.with;
import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.mappings.hl7v2.bundle.HubExtensions;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;

class MappingBehaviourTest {

  static Bundle map(String message) {
    return TestMessages.accepted(TestMessages.utf8(message)).mapped().transaction();
  }

  static BundleEntryComponent entry(Bundle b, String type) {
    return b.getEntry().stream().filter(e -> e.getResource().fhirType().equals(type)).findFirst().orElseThrow();
  }

  static List<BundleEntryComponent> entries(Bundle b, String type) {
    return b.getEntry().stream().filter(e -> e.getResource().fhirType().equals(type)).toList();
  }

  @Test
  void patientIsMatchedByCardOrMrnSoALateCardAttachesToTheMrnOnlyPatient() {
    Bundle b = map(with(ADT_A01, "MSH", 9, "ADT^A08^ADT_A01"));
    assertThat(entry(b, "Patient").getRequest().getUrl())
        .isEqualTo("Patient?identifier=urn:oid:2.16.156.10011.1.19|" + CARD + ",urn:oid:2.999.86.1|M0001");
  }

  @Test
  void withoutACardThePatientIsMatchedByMrnAlone() {
    Bundle b = map(with(ADT_A01, "PID", 3, "M0001^^^^MR"));
    assertThat(entry(b, "Patient").getRequest().getUrl()).isEqualTo("Patient?identifier=urn:oid:2.999.86.1|M0001");
  }

  @Test
  void fifteenDigitLegacyCardIsStoredInItsEighteenCharacterForm() {
    Bundle b = map(with(ADT_A01, "PID", 3, "M0001^^^^MR~110101800101001^^^&2.16.156.10011.1.19&ISO"));
    Patient p = (Patient) entry(b, "Patient").getResource();
    assertThat(p.getIdentifier()).anyMatch(i -> i.getSystem().equals("urn:oid:2.16.156.10011.1.19")
        && i.getValue().equals(TestMessages.card("11010119800101001")));
  }

  @Test
  void noFullUrlOrMintedIdContainsTheCardNumberOrTheName() {
    Bundle b = map(ADT_A01);
    for (BundleEntryComponent e : b.getEntry()) {
      assertThat(e.getFullUrl()).startsWith("urn:uuid:").doesNotContain(CARD).doesNotContain("测试");
      assertThat(e.getResource().getIdElement().getIdPart() == null ? "" : e.getResource().getIdElement().getIdPart())
          .doesNotContain(CARD.substring(0, 12));
    }
  }

  @Test
  void everyDomainResourceCarriesTheSourceEventTimeFromEvn2() {
    Bundle b = map(ADT_A01);
    for (BundleEntryComponent e : b.getEntry()) {
      if (e.getResource() instanceof DomainResource r) {
        assertThat(((DateTimeType) r.getExtensionByUrl(HubExtensions.SOURCE_EVENT_TIME).getValue()).getValueAsString())
            .isEqualTo("2025-03-01T08:29:55+08:00");
      }
    }
  }

  @Test
  void withoutEvnTheSourceEventTimeIsMsh7() {
    Bundle b = map(ORU_R01);
    Patient p = (Patient) entry(b, "Patient").getResource();
    assertThat(((DateTimeType) p.getExtensionByUrl(HubExtensions.SOURCE_EVENT_TIME).getValue()).getValueAsString())
        .isEqualTo("2025-03-02T10:15:00+08:00");
  }

  @Test
  void theRawMessageIsKeptExactlyAsReceivedAndProvenanceLinksEverything() {
    byte[] raw = TestMessages.utf8(ADT_A01);
    Bundle b = TestMessages.accepted(raw).mapped().transaction();
    Binary binary = (Binary) entry(b, "Binary").getResource();
    assertThat(binary.getContentType()).isEqualTo("x-application/hl7-v2+er7");
    assertThat(new String(binary.getData(), StandardCharsets.UTF_8)).isEqualTo(new String(raw, StandardCharsets.UTF_8));
    Provenance prov = (Provenance) entry(b, "Provenance").getResource();
    List<String> others = b.getEntry().stream()
        .filter(e -> !(e.getResource() instanceof Binary) && !(e.getResource() instanceof Provenance))
        .map(BundleEntryComponent::getFullUrl).toList();
    assertThat(prov.getTarget()).extracting(r -> r.getReference()).containsExactlyElementsOf(others);
    assertThat(prov.getEntityFirstRep().getWhat().getReference()).isEqualTo(entry(b, "Binary").getFullUrl());
    assertThat(prov.getActivity().getCodingFirstRep().getCode()).isEqualTo("A01");
    assertThat(entry(b, "Binary").getRequest().getUrl()).isEqualTo("Binary/" + binary.getIdElement().getIdPart());
  }

  @Test
  void aGb18030MessageWithoutMsh18UsesTheSenderDefault() {
    byte[] raw = with(ADT_A01, "MSH", 18, "").replace("测试^甲", "张^三丰").getBytes(Charset.forName("GB18030"));
    InboundResult r = TestMessages.INBOUND.process(raw, Charset.forName("GB18030"), TestMessages.ACK_CONTEXT);
    Patient p = (Patient) entry(((InboundResult.Accepted) r).mapped().transaction(), "Patient").getResource();
    assertThat(p.getNameFirstRep().getText()).isEqualTo("张三丰");
    assertThat(r.charset().name()).isEqualTo("GB18030");
  }

  @Test
  void gbSexCodesGiveGenderAndKeepTheCoding() {
    Patient p = (Patient) entry(map(with(ADT_A01, "PID", 8, "2")
        .replace(CARD, TestMessages.card("11010119800101002"))), "Patient").getResource();
    assertThat(p.getGender()).isEqualTo(AdministrativeGender.FEMALE);
    CodeableConcept sex = (CodeableConcept) p.getExtensionByUrl(HubExtensions.PATIENT_SEX).getValue();
    assertThat(sex.getCodingFirstRep().getSystem()).isEqualTo(HubCodeSystems.SEX);
    assertThat(sex.getCodingFirstRep().getDisplay()).isEqualTo("女性");
  }

  @Test
  void anUnknownSexCodeIsKeptFlaggedAndGivesNoGender() {
    Patient p = (Patient) entry(map(with(ADT_A01, "PID", 8, "X")), "Patient").getResource();
    assertThat(p.hasGender()).isFalse();
    CodeableConcept sex = (CodeableConcept) p.getExtensionByUrl(HubExtensions.PATIENT_SEX).getValue();
    assertThat(sex.getCodingFirstRep().getCode()).isEqualTo("X");
    assertThat(sex.getCodingFirstRep().hasExtension(HubCodeSystems.NOT_VALIDATED_EXTENSION)).isTrue();
  }

  @Test
  void anUnknownEthnicityCodeIsKeptAndFlagged() {
    Patient p = (Patient) entry(map(with(ADT_A01, "PID", 22, "77")), "Patient").getResource();
    CodeableConcept e = (CodeableConcept) p.getExtensionByUrl(HubExtensions.PATIENT_ETHNICITY).getValue();
    assertThat(e.getCodingFirstRep().getCode()).isEqualTo("77");
    assertThat(e.getCodingFirstRep().hasExtension(HubCodeSystems.NOT_VALIDATED_EXTENSION)).isTrue();
  }

  @Test
  void a40SaysMergeBesideTheBundleAndLinksTheRecordThatGoes() {
    String a40 = with(ADT_A01, "MSH", 9, "ADT^A40^ADT_A39").replace("PV1|", "MRG|M0099^^^^MR\rPV1|");
    MappedMessage m = TestMessages.accepted(TestMessages.utf8(a40)).mapped();
    assertThat(m.merges()).hasSize(1);
    PatientMerge merge = m.merges().get(0);
    assertThat(merge.surviving()).extracting(i -> i.getValue()).containsExactly(CARD, "M0001");
    assertThat(merge.nonSurviving()).extracting(i -> i.getSystem() + "|" + i.getValue()).containsExactly("urn:oid:2.999.86.1|M0099");
    List<BundleEntryComponent> patients = entries(m.transaction(), "Patient");
    assertThat(patients.get(0).getRequest().getUrl()).isEqualTo("Patient?identifier=urn:oid:2.999.86.1|M0001");
    Patient old = (Patient) patients.get(1).getResource();
    assertThat(patients.get(1).getRequest().getUrl()).isEqualTo("Patient?identifier=urn:oid:2.999.86.1|M0099");
    assertThat(old.getActive()).isFalse();
    assertThat(old.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.REPLACEDBY);
    assertThat(old.getLinkFirstRep().getOther().getReference()).isEqualTo(patients.get(0).getFullUrl());
    assertThat(entries(m.transaction(), "Encounter")).isEmpty();
  }

  @Test
  void a08WithADischargeTimeFinishesTheEncounter() {
    Bundle b = map(with(with(ADT_A01, "MSH", 9, "ADT^A08^ADT_A01"), "PV1", 45, "20250305150000"));
    Encounter e = (Encounter) entry(b, "Encounter").getResource();
    assertThat(e.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
    assertThat(e.getPeriod().getEndElement().getValueAsString()).isEqualTo("2025-03-05T15:00:00+08:00");
  }

  @Test
  void a03WithoutDischargeTimeEndsTheVisitAtTheEvent() {
    Bundle b = map(with(ADT_A01, "MSH", 9, "ADT^A03^ADT_A03"));
    Encounter e = (Encounter) entry(b, "Encounter").getResource();
    assertThat(e.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
    assertThat(e.getPeriod().getEndElement().getValueAsString()).isEqualTo("2025-03-01T08:29:55+08:00");
  }

  @Test
  void aCorrectedResultUpdatesTheSameObservation() {
    Bundle first = map(ORU_R01);
    Bundle corrected = map(with(with(ORU_R01, "MSH", 10, "CTRL-9"), "OBX", 11, "C"));
    assertThat(entry(corrected, "Observation").getRequest().getUrl())
        .isEqualTo(entry(first, "Observation").getRequest().getUrl())
        .isEqualTo("Observation?identifier=https://hub.healthcard.cn/fhir/NamingSystem/TESTHOSP/observation|F-1/718-7");
    assertThat(((org.hl7.fhir.r4.model.Observation) entry(corrected, "Observation").getResource()).getStatus().toCode())
        .isEqualTo("corrected");
  }

  @Test
  void resultMessagesNeverOverwriteThePatientOrEncounter() {
    Bundle b = map(ORU_R01);
    for (BundleEntryComponent e : b.getEntry()) {
      Resource r = e.getResource();
      if (r instanceof Patient || r instanceof Encounter) {
        assertThat(e.getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.POST);
        assertThat(e.getRequest().hasIfNoneExist()).isTrue();
      }
    }
  }

  @Test
  void acceptedResultCarriesKeyTypeVersionAndProcessingId() {
    InboundResult.Accepted a = TestMessages.accepted(TestMessages.utf8(with(ADT_A01, "MSH", 11, "T")));
    assertThat(a.key()).isEqualTo(new MessageKey("TESTHOSP", "CTRL-1"));
    assertThat(a.messageType()).isEqualTo("ADT");
    assertThat(a.triggerEvent()).isEqualTo("A01");
    assertThat(a.version()).isEqualTo("2.5.1");
    assertThat(a.processingId()).isEqualTo("T");
    assertThat(TestMessages.field(a.ack(), "MSA", 1, 1)).isEqualTo("AA");
    assertThat(TestMessages.field(a.ack(), "MSA", 1, 2)).isEqualTo("CTRL-1");
    assertThat(AckParsing.parses(a.ack())).isTrue();
  }

  @Test
  void anExplicitNullDeletesTheValueInsteadOfBeingStored() {
    // PID-11 "" (address deleted), PID-8 "" (sex deleted), PID-13 with "" in every component
    Bundle b = map(with(with(with(ADT_A01, "PID", 11, "\"\""), "PID", 8, "\"\""), "PID", 13, "\"\"^\"\"^\"\""));
    Patient p = (Patient) entry(b, "Patient").getResource();
    assertThat(p.hasAddress()).isFalse();
    assertThat(p.hasGender()).isFalse();
    assertThat(p.hasTelecom()).isFalse();
    // and nothing anywhere holds the two quote characters as a value
    assertThat(TestMessages.FHIR.newJsonParser().encodeResourceToString(p)).doesNotContain("\\\"\\\"");
  }
}
