package cn.healthcard.hub.server.his;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.mappings.birth.BirthReportShape;
import cn.healthcard.hub.server.IdentityNumbers;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.junit.jupiter.api.Test;

/** Births reported by a maternity HIS as ADT^A04 over MLLP end in the same records as FHIR reports. */
class BirthReportMllpIT extends HisIntegrationTest {
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyyMMddHHmm");
  private static final String MRN_SYSTEM = "urn:oid:2.999.86.3";

  static String birth(String controlId, String mrn, String mother, LocalDateTime born) {
    String now = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMddHHmmss"));
    return String.join("\r",
        "MSH|^~\\&|HIS|FYBJY^2.999.86.3^ISO|HUB|HEALTHCARD-HUB|" + now + "||ADT^A04^ADT_A01|" + controlId
            + "|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8",
        "EVN|A04|" + now,
        "PID|1||" + mrn + "^^^^MR||陈静之女|陈|" + born.format(TS) + "|F|||朝阳区某路1号^^北京市^北京市^100020^CHN^H^^110105"
            + "||||||||||" + mother + "^^^&2.16.156.10011.1.19&ISO^NI|01||N",
        "NK1|1|陈^静|MTH^母亲^HL70063|朝阳区某路1号^^北京市^北京市^100020^CHN^H^^110105|13800000011",
        "PV1|1|I|CK01^201^03^FYBJY||||D101^产科^医生|||OBS|||||||||V" + mrn + "|||||||||||||||||||||||||" + born.format(TS),
        "OBX|1|NM|8339-4^Birth weight Measured^LN||3250|g^g^UCUM|2500-4000|N|||F",
        "OBX|2|NM|89269-5^Body height Measured --at birth^LN||50|cm^cm^UCUM||||||F",
        "OBX|3|NM|9272-6^1 minute Apgar Score^LN||9|||||||F") + "\r";
  }

  static String mother() {
    return IdentityNumbers.next(LocalDate.of(1995, 3, 15), true);
  }

  @Test
  void aBirthOverMllpIsStoredAsABirthReportOnce() throws Exception {
    String mother = mother();
    String mrn = "NB" + UUID.randomUUID().toString().substring(0, 8);
    LocalDateTime born = LocalDateTime.now().minusHours(20).withSecond(0).withNano(0);

    assertThat(sendMllp(birth("B" + UUID.randomUUID(), mrn, mother, born))).contains("MSA|AA");
    Bundle children = awaitAtLeast("/RelatedPerson?identifier=" + token(CARD, mother) + "&_include=RelatedPerson:patient", 2);

    Patient child = children.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(Patient.class::isInstance).map(Patient.class::cast).findFirst().orElseThrow();
    assertThat(child.getIdentifier()).anyMatch(i -> MRN_SYSTEM.equals(i.getSystem()) && mrn.equals(i.getValue()));
    assertThat(child.getIdentifier()).anyMatch(i -> BirthReportShape.BIRTH_SYSTEM.equals(i.getSystem()));
    assertThat(child.getBirthDateElement().hasExtension(BirthReportShape.BIRTH_TIME)).isTrue();
    String childId = child.getIdElement().getIdPart();
    assertThat(search("/Observation?subject=Patient/" + childId).getEntry()).hasSize(3);

    // the HIS sends the same birth again (new control id): still one child, nothing twice
    assertThat(sendMllp(birth("B" + UUID.randomUUID(), mrn, mother, born))).contains("MSA|AA");
    awaitInboxDrained();
    assertThat(search("/RelatedPerson?identifier=" + token(CARD, mother)).getEntry()).hasSize(1);
    assertThat(search("/Patient?identifier=" + token(MRN_SYSTEM, mrn)).getEntry()).hasSize(1);
    assertThat(search("/Observation?subject=Patient/" + childId).getEntry()).hasSize(3);
    assertThat(((RelatedPerson) children.getEntry().stream().map(Bundle.BundleEntryComponent::getResource)
        .filter(RelatedPerson.class::isInstance).findFirst().orElseThrow()).getPatient().getReference())
        .isEqualTo("Patient/" + childId);
  }

  @Test
  void anInvalidMotherNumberIsAnErrorAckLocatingPid21() throws Exception {
    String mother = mother();
    String broken = mother.substring(0, 17) + (mother.charAt(17) == '0' ? '1' : '0');

    String ack = sendMllp(birth("B" + UUID.randomUUID(), "NB" + UUID.randomUUID().toString().substring(0, 8), broken,
        LocalDateTime.now().minusHours(3).withSecond(0).withNano(0)));

    assertThat(ack).contains("MSA|AE");
    assertThat(ack).contains("ERR||PID^1^21^1|102");
    assertThat(ack).doesNotContain(broken);
  }
}
