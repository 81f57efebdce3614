package cn.healthcard.hub.mappings.hl7v2;

import static cn.healthcard.hub.mappings.hl7v2.Messages.ADT_A28_BIRTH;
import static cn.healthcard.hub.mappings.hl7v2.Messages.CARD;
import static cn.healthcard.hub.mappings.hl7v2.Messages.with;
import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.mappings.birth.BirthReportShape;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Encounter.EncounterStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which ADT messages are birth reports, and how the mother and the birth are keyed. */
class BirthReportTest {

  static final String MOTHER_CARD = TestMessages.card("32010219930606002");

  /** An A04 registering a 5-year-old, the mother named in NK1 and PID-21, PID-7 to the minute. */
  static final String A04_FIVE_YEAR_OLD = with(String.join("\r",
      "MSH|^~\\&|HIS|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250301083000||ADT^A04^ADT_A01|CTRL-7|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
      "EVN|A04|20250301082955",
      "PID|1||M0005^^^^MR||测试^小丙||202001150830|M",
      "NK1|1|测试^乙|MTH^母亲^HL70063",
      "PV1|1|O|MZ01^^^TESTHOSP||||||||||||||||V0005") + "\r", "NK1", 33, CARD + "^^^&2.16.156.10011.1.19&ISO^NI");

  static Bundle map(String message) {
    return TestMessages.accepted(TestMessages.utf8(message)).mapped().transaction();
  }

  static List<BundleEntryComponent> entries(Bundle b, String type) {
    return b.getEntry().stream().filter(e -> e.getResource().fhirType().equals(type)).toList();
  }

  static boolean isBirthReport(Bundle b) {
    return !entries(b, "RelatedPerson").isEmpty();
  }

  static Patient patient(Bundle b) {
    return (Patient) entries(b, "Patient").get(0).getResource();
  }

  static RelatedPerson mother(Bundle b) {
    return (RelatedPerson) entries(b, "RelatedPerson").get(0).getResource();
  }

  @Test
  void anOrdinaryA04ForAFiveYearOldWithHerMotherIsNotABirthReport() {
    Bundle b = map(A04_FIVE_YEAR_OLD);
    assertThat(entries(b, "RelatedPerson")).isEmpty();
    assertThat(entries(b, "Observation")).isEmpty();
    Encounter visit = (Encounter) entries(b, "Encounter").get(0).getResource();
    assertThat(visit.getType()).isEmpty();
    assertThat(visit.getStatus()).isEqualTo(EncounterStatus.ARRIVED);
    assertThat(patient(b).hasMultipleBirth()).isFalse();
    assertThat(patient(b).hasManagingOrganization()).isFalse();
    assertThat(patient(b).getContact()).hasSize(1);
  }

  @Test
  void aBirthReportNeedsTheBirthTimeToTheMinute() {
    assertThat(isBirthReport(map(ADT_A28_BIRTH))).isTrue();
    assertThat(isBirthReport(map(with(ADT_A28_BIRTH, "PID", 7, "2025030106")))).isFalse();
    assertThat(isBirthReport(map(with(ADT_A28_BIRTH, "PID", 7, "20250301")))).isFalse();
    assertThat(isBirthReport(map(with(ADT_A28_BIRTH, "PID", 7, "20250301063012+0800")))).isTrue();
  }

  @Test
  void theNeonatalPeriodIs28DaysBeforeTheMessageDate() {
    assertThat(isBirthReport(map(with(ADT_A28_BIRTH, "PID", 7, "202502010001")))).isTrue();
    assertThat(isBirthReport(map(with(ADT_A28_BIRTH, "PID", 7, "202501312359")))).isFalse();
    assertThat(isBirthReport(map(with(ADT_A28_BIRTH, "PID", 7, "202503010900")))).as("after MSH-7").isTrue();
  }

  @Test
  void aBirthReportNeedsAMotherLinkedByPid21OrAnNk1() {
    String noNk1 = Messages.without(ADT_A28_BIRTH, "NK1");
    assertThat(isBirthReport(map(noNk1))).as("PID-21 alone").isTrue();
    assertThat(isBirthReport(map(with(with(ADT_A28_BIRTH, "PID", 21, ""), "NK1", 33, MOTHER_CARD
        + "^^^&2.16.156.10011.1.19&ISO^NI")))).as("NK1 MTH with NK1-33").isTrue();
    assertThat(isBirthReport(map(with(with(noNk1, "PID", 21, ""), "PID", 6, "测试")))).isFalse();
    assertThat(isBirthReport(map(with(ADT_A28_BIRTH, "NK1", 3, "FTH^父亲^HL70063")))).as("PID-21 still links").isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"A01", "A05", "A08", "A31"})
  void onlyA28AndA04ReportBirths(String trigger) {
    String message = with(ADT_A28_BIRTH, "MSH", 9, "ADT^" + trigger + "^ADT_A05");
    assertThat(isBirthReport(map(message))).isFalse();
  }

  @Test
  void theMothersCardComesFirstWhereverItWasSent() {
    String passportAndCard = with(with(ADT_A28_BIRTH, "PID", 21, "P1234567^^^PHL^PPN"), "NK1", 33,
        MOTHER_CARD + "^^^&2.16.156.10011.1.19&ISO^NI");
    List<Identifier> ids = mother(map(passportAndCard)).getIdentifier();
    assertThat(ids).extracting(Identifier::getSystem).startsWith(BirthReportShape.HEALTH_CARD_SYSTEM);
    assertThat(ids.get(0).getValue()).isEqualTo(MOTHER_CARD);
    assertThat(ids.get(1).getValue()).isEqualTo("P1234567");
    assertThat(ids.get(2).getUse()).isEqualTo(Identifier.IdentifierUse.SECONDARY);
  }

  @Test
  void nk1SocialSecurityNumberIsTheMothersIdentityNumber() {
    String message = with(with(ADT_A28_BIRTH, "PID", 21, ""), "NK1", 37, MOTHER_CARD);
    Identifier id = mother(map(message)).getIdentifierFirstRep();
    assertThat(id.getSystem()).isEqualTo(ResidentIdNumber.ID_CARD_SYSTEM);
    assertThat(id.getValue()).isEqualTo(MOTHER_CARD);
  }

  @Test
  void theMothersNameIsNk12ElsePid6() {
    assertThat(mother(map(ADT_A28_BIRTH)).getNameFirstRep().getText()).isEqualTo("测试乙");
    String noNk1 = with(Messages.without(ADT_A28_BIRTH, "NK1"), "PID", 6, "测试^乙");
    assertThat(mother(map(noNk1)).getNameFirstRep().getText()).isEqualTo("测试乙");
  }

  @Test
  void twinsShareTheirMotherButAreTwoBirths() {
    Bundle first = BirthGoldenFilesTest.map("adt_a28_v24_twin_1");
    Bundle second = BirthGoldenFilesTest.map("adt_a28_v24_twin_2");
    assertThat(patient(first).getMultipleBirthIntegerType().getValue()).isEqualTo(1);
    assertThat(patient(second).getMultipleBirthIntegerType().getValue()).isEqualTo(2);
    assertThat(mother(first).getIdentifierFirstRep().getValue()).isEqualTo(mother(second).getIdentifierFirstRep().getValue());
    assertThat(requestUrl(first, "RelatedPerson")).isNotEqualTo(requestUrl(second, "RelatedPerson"));
    assertThat(requestUrl(first, "Encounter")).isNotEqualTo(requestUrl(second, "Encounter"));
  }

  @Test
  void theSameBirthReportedAgainUpdatesTheSameResources() {
    Bundle first = map(ADT_A28_BIRTH);
    Bundle again = map(with(with(ADT_A28_BIRTH, "MSH", 10, "CTRL-8"), "MSH", 7, "20250301170000"));
    for (String type : List.of("Patient", "RelatedPerson", "Encounter")) {
      assertThat(requestUrl(again, type)).as(type).isEqualTo(requestUrl(first, type));
    }
    assertThat(requestUrl(first, "RelatedPerson")).doesNotContain(CARD);
    assertThat(requestUrl(first, "Encounter")).doesNotContain(CARD);
  }

  @Test
  void aBirthReportWithoutPv1StillHasItsDelivery() {
    Bundle b = map(Messages.without(ADT_A28_BIRTH, "PV1"));
    Encounter delivery = (Encounter) entries(b, "Encounter").get(0).getResource();
    assertThat(delivery.getTypeFirstRep().getCodingFirstRep().getCode()).isEqualTo(BirthReportShape.DELIVERY);
    assertThat(delivery.getStatus()).isEqualTo(EncounterStatus.INPROGRESS);
    assertThat(delivery.getPeriod().getStartElement().getValueAsString()).isEqualTo("2025-03-01T06:30:00+08:00");
  }

  static String requestUrl(Bundle b, String type) {
    return entries(b, type).get(0).getRequest().getUrl();
  }
}
