package cn.healthcard.hub.mappings.hl7v2;

import static cn.healthcard.hub.mappings.hl7v2.Messages.ADT_A01;
import static cn.healthcard.hub.mappings.hl7v2.Messages.ORU_R01;
import static cn.healthcard.hub.mappings.hl7v2.Messages.with;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Senders of every HL7 v2 version from 2.2 to 2.8.2 (and 2.9) are read with the fields the hub
 * knows, answered in their own version; a sender without MSH-4 is keyed by MSH-3 and told so.
 */
class VersionsAndHeadersTest {

  private static <T> T only(Bundle bundle, Class<T> type) {
    List<T> found = bundle.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(type::isInstance).map(type::cast).toList();
    assertThat(found).hasSize(1);
    return found.get(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"2.2", "2.3", "2.3.1", "2.4", "2.5", "2.5.1", "2.6", "2.7", "2.7.1", "2.8", "2.8.1", "2.8.2", "2.9"})
  void everyVersionIsAcceptedAndAnsweredInItsOwnVersion(String version) {
    InboundResult.Accepted accepted = TestMessages.accepted(TestMessages.utf8(with(ADT_A01, "MSH", 12, version)));
    assertThat(accepted.version()).isEqualTo(version);
    assertThat(TestMessages.field(accepted.ack(), "MSH", 1, 12)).isEqualTo(version);
    assertThat(TestMessages.field(accepted.ack(), "MSA", 1, 1)).isEqualTo("AA");
    assertThat(TestMessages.segment(accepted.ack(), "ERR", 1)).isNull();
    Patient patient = only(accepted.mapped().transaction(), Patient.class);
    assertThat(patient.getNameFirstRep().getFamily()).isEqualTo("测试");
  }

  @Test
  void aLaterVersionsExtraFieldsAndSegmentsDoNotHideWhatTheHubReads() {
    // v2.8: PID-40 (telecom, new in 2.7), a PRT segment (new in 2.7) and an OBX-25..33 tail
    String v28 = with(with(ORU_R01, "MSH", 12, "2.8"), "PID", 40, "^PRN^PH^^^^^^^^^13800000000")
        .replace("OBX|", "PRT|1|AD|||||||||||||13800000000\rOBX|")
        .replace("|130-175|N|||F", "|130-175|N|||F||||||||||||||||||||||X1");
    InboundResult.Accepted accepted = TestMessages.accepted(TestMessages.utf8(v28));
    Observation observation = only(accepted.mapped().transaction(), Observation.class);
    assertThat(observation.getCode().getCodingFirstRep().getCode()).isEqualTo("718-7");
    assertThat(observation.getValueQuantity().getValue().intValue()).isEqualTo(135);
    assertThat(TestMessages.field(accepted.ack(), "MSH", 1, 12)).isEqualTo("2.8");
  }

  @Test
  void withoutMsh4TheSendingApplicationKeysTheSenderAndTheAckWarns() {
    String noFacility = with(with(ADT_A01, "MSH", 4, ""), "MSH", 3, "HIS_APP_1");
    InboundResult.Accepted accepted = TestMessages.accepted(TestMessages.utf8(noFacility));
    assertThat(accepted.key().sendingFacility()).isEqualTo("HIS_APP_1");
    assertThat(TestMessages.field(accepted.ack(), "MSA", 1, 1)).isEqualTo("AA");
    assertThat(TestMessages.field(accepted.ack(), "ERR", 1, 2)).isEqualTo("MSH^1^4");
    assertThat(TestMessages.field(accepted.ack(), "ERR", 1, 3)).startsWith("101^");
    assertThat(TestMessages.field(accepted.ack(), "ERR", 1, 4)).isEqualTo("W");
    assertThat(TestMessages.field(accepted.ack(), "ERR", 1, 8))
        .startsWith("MSH-4 (sending facility) is empty: the sending application (MSH-3) keys");
    Patient patient = only(accepted.mapped().transaction(), Patient.class);
    assertThat(patient.getIdentifier()).extracting(Identifier::getSystem)
        .contains("https://hub.healthcard.cn/fhir/NamingSystem/HIS_APP_1/mrn");
  }

  @Test
  void aSenderWithMsh4GetsNoWarning() {
    InboundResult.Accepted accepted = TestMessages.accepted(TestMessages.utf8(ADT_A01));
    assertThat(accepted.key().sendingFacility()).isEqualTo("TESTHOSP");
    assertThat(TestMessages.segment(accepted.ack(), "ERR", 1)).isNull();
  }
}
