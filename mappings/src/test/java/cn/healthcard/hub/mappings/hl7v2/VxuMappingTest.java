package cn.healthcard.hub.mappings.hl7v2;

import static cn.healthcard.hub.mappings.hl7v2.Messages.ADT_A01;
import static cn.healthcard.hub.mappings.hl7v2.Messages.CARD;
import static cn.healthcard.hub.mappings.hl7v2.Messages.VXU_V04;
import static cn.healthcard.hub.mappings.hl7v2.Messages.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.mappings.hl7v2.vxu.ImmunizationDuplicates;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Immunization.ImmunizationStatus;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.Test;

class VxuMappingTest {

  static MappedMessage map(String message) {
    return TestMessages.accepted(TestMessages.utf8(message)).mapped();
  }

  static Immunization immunization(MappedMessage m) {
    return (Immunization) entry(m.transaction(), "Immunization").getResource();
  }

  static BundleEntryComponent entry(Bundle b, String type) {
    return b.getEntry().stream().filter(e -> e.getResource().fhirType().equals(type)).findFirst().orElseThrow();
  }

  static List<BundleEntryComponent> entries(Bundle b, String type) {
    return b.getEntry().stream().filter(e -> e.getResource().fhirType().equals(type)).toList();
  }

  static MappedMessage golden(String name) {
    return TestMessages.accepted(TestMessages.wire(ImmunizationGoldenFilesTest.DIR + name + ".hl7")).mapped();
  }

  @Test
  void eachRxaIsAnImmunizationUpdatedByItsFillerNumberInTheSendersNamespace() {
    MappedMessage m = map(VXU_V04);
    assertThat(entry(m.transaction(), "Immunization").getRequest().getUrl())
        .isEqualTo("Immunization?identifier=https://hub.healthcard.cn/fhir/NamingSystem/TESTCLINIC/TESTCLINIC|IMM-1");
    assertThat(entry(m.transaction(), "Immunization").getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
  }

  @Test
  void thePatientIsWrittenExactlyAsAdtWritesIt() {
    Bundle vxu = map(VXU_V04).transaction();
    Bundle adt = MappingBehaviourTest.map(with(ADT_A01, "MSH", 4, "TESTCLINIC^2.999.86.2^ISO"));
    assertThat(entry(vxu, "Patient").getRequest().getUrl()).isEqualTo(entry(adt, "Patient").getRequest().getUrl())
        .isEqualTo("Patient?identifier=urn:oid:2.16.156.10011.1.19|" + CARD + ",urn:oid:2.999.86.2|M0001");
    assertThat(entry(vxu, "Patient").getRequest().getMethod()).isEqualTo(Bundle.HTTPVerb.PUT);
    assertThat(immunization(map(VXU_V04)).getPatient().getReference()).isEqualTo(entry(vxu, "Patient").getFullUrl());
  }

  @Test
  void completionStatusAndActionCodeGiveTheStatus() {
    assertThat(immunization(map(VXU_V04)).getStatus()).isEqualTo(ImmunizationStatus.COMPLETED);
    Immunization partial = immunization(map(with(VXU_V04, "RXA", 20, "PA")));
    assertThat(partial.getStatus()).isEqualTo(ImmunizationStatus.COMPLETED);
    assertThat(partial.getIsSubpotent()).isTrue();
    Immunization notGiven = immunization(map(with(VXU_V04, "RXA", 20, "NA")));
    assertThat(notGiven.getStatus()).isEqualTo(ImmunizationStatus.NOTDONE);
    assertThat(notGiven.hasStatusReason()).isFalse();
    Immunization deleted = immunization(map(with(VXU_V04, "RXA", 21, "D")));
    assertThat(deleted.getStatus()).isEqualTo(ImmunizationStatus.ENTEREDINERROR);
  }

  @Test
  void aRefusalIsNotDoneWithTheReasonAsSentAndPatientObjection() {
    Immunization refused = immunization(golden("vxu_v04_v251_refusal"));
    assertThat(refused.getStatus()).isEqualTo(ImmunizationStatus.NOTDONE);
    assertThat(refused.getStatusReason().getCoding()).extracting(Coding::getCode).containsExactly("00", "PATOBJ");
    assertThat(refused.hasDoseQuantity()).isFalse();
  }

  @Test
  void aNotGivenDoseKeepsItsContraindicationAsAnObservationPartOfIt() {
    MappedMessage m = golden("vxu_v04_v251_not_given");
    Observation o = (Observation) entry(m.transaction(), "Observation").getResource();
    assertThat(o.getCode().getCodingFirstRep().getCode()).isEqualTo("30945-0");
    assertThat(o.getPartOfFirstRep().getReference()).isEqualTo(entry(m.transaction(), "Immunization").getFullUrl());
    assertThat(m.doses()).isEmpty();
  }

  @Test
  void dose999IsUnknownAndAHistoricalRecordIsNotAPrimarySource() {
    Immunization i = immunization(golden("vxu_v04_v231_historical"));
    assertThat(i.hasDoseQuantity()).isFalse();
    assertThat(i.getPrimarySource()).isFalse();
    assertThat(i.getReportOrigin().getCodingFirstRep().getCode()).isEqualTo("01");
    assertThat(immunization(map(VXU_V04)).getPrimarySource()).isTrue();
  }

  @Test
  void aNipCodeGetsItsEquivalentCvxCodeAndAWiderMatchIsNotAdded() {
    assertThat(immunization(map(VXU_V04)).getVaccineCode().getCoding())
        .extracting(c -> c.getSystem() + "|" + c.getCode())
        .containsExactly(HubCodeSystems.NIP_VACCINE + "|HEPB", HubCodeSystems.CVX + "|08");
    assertThat(immunization(map(with(VXU_V04, "RXA", 5, "JE-L^乙脑减毒活疫苗^NIP"))).getVaccineCode().getCoding())
        .extracting(Coding::getCode).containsExactly("JE-L");
    assertThat(immunization(map(with(VXU_V04, "RXA", 5, "20^DTaP^CVX"))).getVaccineCode().getCoding())
        .extracting(c -> c.getSystem() + "|" + c.getCode())
        .containsExactly(HubCodeSystems.CVX + "|20", HubCodeSystems.NIP_VACCINE + "|DTAP");
  }

  @Test
  void anUnknownVaccineCodeIsKeptAsSentAndFlagged() {
    Immunization i = immunization(golden("vxu_v04_v251_unknown_vaccine"));
    Coding c = i.getVaccineCode().getCodingFirstRep();
    assertThat(c.getSystem()).isEqualTo(HubCodeSystems.NIP_VACCINE);
    assertThat(c.getCode()).isEqualTo("EV71");
    assertThat(c.getDisplay()).isEqualTo("肠道病毒71型灭活疫苗");
    assertThat(c.hasExtension(HubCodeSystems.NOT_VALIDATED_EXTENSION)).isTrue();
    assertThat(i.getVaccineCode().getCoding()).hasSize(1);
  }

  @Test
  void completedDosesAreReportedForTheDuplicateCheck() {
    MappedMessage m = golden("vxu_v04_v251_gb18030");
    assertThat(m.doses()).extracting(d -> d.vaccineCode() + " " + d.occurrenceDate() + " " + d.lotNumber())
        .containsExactly("HEPB 2025-01-15 202401A", "BCG 2025-01-15 202412B", "DTAP 2025-04-15 202503C");
    String patient = entry(m.transaction(), "Patient").getFullUrl();
    List<String> immunizations = entries(m.transaction(), "Immunization").stream().map(BundleEntryComponent::getFullUrl).toList();
    for (DoseReport d : m.doses()) {
      assertThat(d.patientFullUrl()).isEqualTo(patient);
      assertThat(d.vaccineSystem()).isEqualTo(HubCodeSystems.NIP_VACCINE);
      assertThat(immunizations).contains(d.fullUrl());
    }
    assertThat(golden("vxu_v04_v251_entered_in_error").doses()).isEmpty();
    assertThat(golden("vxu_v04_v251_refusal").doses()).isEmpty();
  }

  @Test
  void theSameDoseFromTheSiteAndTheHospitalIsReportedAlike() {
    DoseReport site = golden("vxu_v04_v251_gb18030").doses().get(0);
    DoseReport hospital = golden("vxu_v04_v24_hospital_birth_dose").doses().get(0);
    assertThat(List.of(hospital.vaccineSystem(), hospital.vaccineCode(), hospital.occurrenceDate(), hospital.lotNumber()))
        .isEqualTo(List.of(site.vaccineSystem(), site.vaccineCode(), site.occurrenceDate(), site.lotNumber()));
  }

  @Test
  void withoutAnOrderNumberTheKeyIsMintedFromPatientDateAndVaccineWithoutTheCardNumber() {
    String noOrder = with(VXU_V04, "ORC", 3, "9999");
    Immunization first = immunization(map(noOrder));
    Immunization again = immunization(map(with(noOrder, "MSH", 10, "CTRL-99")));
    Immunization otherDay = immunization(map(with(noOrder, "RXA", 3, "20250402")));
    assertThat(first.getIdentifier()).hasSize(1);
    assertThat(first.getIdentifierFirstRep().getSystem())
        .isEqualTo("https://hub.healthcard.cn/fhir/NamingSystem/TESTCLINIC/immunization");
    assertThat(first.getIdentifierFirstRep().getValue()).isEqualTo(again.getIdentifierFirstRep().getValue())
        .isNotEqualTo(otherDay.getIdentifierFirstRep().getValue())
        .doesNotContain(CARD.substring(0, 12));
  }

  @Test
  void visAndFundingObxBecomeImmunizationElements() {
    Immunization dtap = (Immunization) entries(golden("vxu_v04_v251_gb18030").transaction(), "Immunization").get(2).getResource();
    assertThat(dtap.getFundingSource().getCodingFirstRep().getCode()).isEqualTo("01");
    assertThat(dtap.getProgramEligibilityFirstRep().getCodingFirstRep().getCode()).isEqualTo("V01");
    assertThat(dtap.getEducationFirstRep().getDocumentType()).isEqualTo("NIP-INFORM-2021");
    assertThat(dtap.getEducationFirstRep().getPresentationDateElement().getValueAsString()).isEqualTo("2025-04-15");
    assertThat(dtap.getPerformer()).extracting(p -> p.getFunction().getCodingFirstRep().getCode() + " " + p.getActor().getDisplay())
        .containsExactly("AP 王芳", "OP 赵明");
  }

  @Test
  void aReactionObxIsAnObservationTheImmunizationRefersTo() {
    MappedMessage m = map(VXU_V04 + "OBX|2|CE|31044-1^Reaction^LN|2|39579001^Anaphylaxis^SCT||||||F|||20250401120000\r");
    Immunization i = immunization(m);
    BundleEntryComponent obs = entry(m.transaction(), "Observation");
    assertThat(i.getReactionFirstRep().getDetail().getReference()).isEqualTo(obs.getFullUrl());
    assertThat(i.getReactionFirstRep().getDateElement().getValueAsString()).isEqualTo("2025-04-01T12:00:00+08:00");
    assertThat(((Observation) obs.getResource()).getValueCodeableConcept().getCodingFirstRep().getCode()).isEqualTo("39579001");
    assertThat(obs.getRequest().getUrl()).isEqualTo(
        "Observation?identifier=https://hub.healthcard.cn/fhir/NamingSystem/TESTCLINIC/observation|IMM-1/31044-1/2");
  }

  @Test
  void rewritingADuplicateRemovesItAndPointsEveryReferenceAtTheStoredDose() {
    MappedMessage hospital = map(VXU_V04 + "OBX|2|CE|31044-1^Reaction^LN|2|39579001^Anaphylaxis^SCT||||||F\r");
    String dose = hospital.doses().get(0).fullUrl();
    Bundle before = hospital.transaction();
    String json = TestMessages.json(before);

    Bundle after = ImmunizationDuplicates.rewrite(before, Map.of(dose, "Immunization/123"));

    assertThat(TestMessages.json(before)).as("the input is not changed").isEqualTo(json);
    assertThat(entries(after, "Immunization")).isEmpty();
    assertThat(after.getEntry()).hasSize(before.getEntry().size() - 1);
    assertThat(TestMessages.json(after)).doesNotContain(dose);
    Provenance p = (Provenance) entry(after, "Provenance").getResource();
    assertThat(p.getTarget()).extracting(Reference::getReference).contains("Immunization/123");
    assertThat(p.getEntityFirstRep().getWhat().getReference()).isEqualTo(entry(after, "Binary").getFullUrl());
    Observation reaction = (Observation) entry(after, "Observation").getResource();
    assertThat(reaction.getPartOfFirstRep().getReference()).isEqualTo("Immunization/123");
  }

  @Test
  void rewritingRefusesWhatIsNotADoseOfTheTransactionOrNotAnImmunizationId() {
    MappedMessage m = map(VXU_V04);
    String dose = m.doses().get(0).fullUrl();
    String patient = entry(m.transaction(), "Patient").getFullUrl();
    assertThatThrownBy(() -> ImmunizationDuplicates.rewrite(m.transaction(), Map.of(patient, "Immunization/1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImmunizationDuplicates.rewrite(m.transaction(), Map.of(dose, "Patient/1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(TestMessages.json(ImmunizationDuplicates.rewrite(m.transaction(), Map.of())))
        .isEqualTo(TestMessages.json(m.transaction()));
  }

  @Test
  void rxa27IsTheLocationWhenRxa11IsEmpty() {
    MappedMessage m = map(with(VXU_V04, "RXA", 27, "JZ-1^R2"));
    assertThat(entries(m.transaction(), "Location")).extracting(e -> e.getRequest().getIfNoneExist()).containsExactly(
        "identifier=https://hub.healthcard.cn/fhir/NamingSystem/TESTCLINIC/location|JZ-1",
        "identifier=https://hub.healthcard.cn/fhir/NamingSystem/TESTCLINIC/location|JZ-1/R2");
    assertThat(immunization(m).getLocation().getReference()).isEqualTo(entries(m.transaction(), "Location").get(1).getFullUrl());
  }

  @Test
  void aReportFromAnotherProviderIsNotAPrimarySourceAndSaysWhereItCameFrom() {
    Immunization i = immunization(map(with(VXU_V04, "RXA", 9, "02^Historical from other provider^NIP001")));
    assertThat(i.getPrimarySource()).isFalse();
    assertThat(i.getReportOrigin().getCoding()).extracting(Coding::getCode).containsExactly("02", "provider");
  }

  @Test
  void theAckOfAVxuIsAnAaForV04() {
    InboundResult.Accepted a = TestMessages.accepted(TestMessages.utf8(VXU_V04));
    assertThat(TestMessages.field(a.ack(), "MSH", 1, 9)).isEqualTo("ACK^V04^ACK");
    assertThat(TestMessages.field(a.ack(), "MSA", 1, 1)).isEqualTo("AA");
    assertThat(a.messageType()).isEqualTo("VXU");
  }
}
