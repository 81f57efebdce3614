package cn.healthcard.hub.server.identity;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.util.List;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

class PatientIdentityRulesTest {
  private static final String CARD = ResidentIdNumber.HEALTH_CARD_SYSTEM;

  private static Patient withCard(String number) {
    Patient p = new Patient();
    p.addIdentifier().setSystem("urn:oid:2.16.156.10011.0.1.MRN").setValue("MRN-1");
    p.addIdentifier().setSystem(CARD).setValue(number);
    return p;
  }

  @Test
  void legacyNumberIsRewrittenInPlaceToEighteenCharacters() {
    Patient p = withCard("210102850505123");
    assertThat(PatientIdentityRules.apply(p)).isEmpty();
    assertThat(p.getIdentifier().get(1).getValue()).isEqualTo("210102198505051238");
    assertThat(p.getIdentifier().get(0).getValue()).isEqualTo("MRN-1");
  }

  @Test
  void violationIsLocatedAtTheIdentifiersIndexAndNeverQuotesTheNumber() {
    List<PatientIdentityRules.Violation> v = PatientIdentityRules.apply(withCard("210102198505051230"));
    assertThat(v).singleElement().satisfies(x -> {
      assertThat(x.expression()).isEqualTo("Patient.identifier[1].value");
      assertThat(x.message()).contains("check character").doesNotContain("210102198505051230");
    });
  }

  @Test
  void birthDateIsComparedAtItsOwnPrecision() {
    Patient p = withCard("210102198505051238");
    p.setBirthDateElement(new DateType("1985-05"));
    assertThat(PatientIdentityRules.apply(p)).isEmpty();
    p.setBirthDateElement(new DateType("1985-06"));
    assertThat(PatientIdentityRules.apply(p)).extracting(PatientIdentityRules.Violation::expression)
        .containsExactly("Patient.birthDate");
    p.setBirthDateElement(new DateType("1985-05-05"));
    assertThat(PatientIdentityRules.apply(p)).isEmpty();
  }

  @Test
  void twoDifferentCardNumbersOnOnePatientAreRejected() {
    Patient p = withCard("210102198505051238");
    p.addIdentifier().setSystem(CARD).setValue("11010519491231002X");
    assertThat(PatientIdentityRules.apply(p)).extracting(PatientIdentityRules.Violation::expression)
        .containsExactly("Patient.identifier[2].value");
  }

  @Test
  void otherIdentifierSystemsAreLeftAlone() {
    Patient p = new Patient();
    p.addIdentifier().setSystem("urn:oid:2.16.156.10011.0.1.MRN").setValue("not-a-number");
    assertThat(PatientIdentityRules.apply(p)).isEmpty();
  }
}
