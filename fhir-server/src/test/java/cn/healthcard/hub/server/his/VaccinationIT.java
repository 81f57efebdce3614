package cn.healthcard.hub.server.his;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.IdentityNumbers;
import java.time.LocalDate;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Provenance;
import org.junit.jupiter.api.Test;

/** Vaccination events over MLLP (VXU), duplicates from two sources, and QBP queries answered. */
class VaccinationIT extends HisIntegrationTest {

  static String siteVxu(String card, String controlId, String lot) {
    return String.join("\r",
        "MSH|^~\\&|IIS|JZMZ01^2.999.86.20^ISO|HUB|HEALTHCARD-HUB|20250415103000||VXU^V04^VXU_V04|" + controlId
            + "|P|2.5.1|||AL|NE|CHN|UNICODE UTF-8|||Z22^CDCPHINVS",
        "PID|1||J" + controlId + "^^^^MR~" + card + "^^^&2.16.156.10011.1.19&ISO^NI||刘^小宝^^^^^L|李^梅|20250115|M"
            + "|||朝阳区建国路1号^^北京市^北京市^100022^CHN^H^^110105",
        "ORC|RE||" + controlId + "-01^JZMZ01",
        "RXA|0|1|20250115||HEPB^乙肝疫苗^NIP|10|ug^ug^UCUM||01^历史记录^NIP001||||||" + lot
            + "|20261231|SZKT^深圳康泰生物制品股份有限公司^MFR|||CP|A",
        "RXR|C28161^肌内注射^NCIT^IM^^HL70162|RT^右大腿^HL70163",
        "ORC|RE||" + controlId + "-02^JZMZ01",
        "RXA|0|1|20250115||BCG^卡介苗^NIP|0.1|mL^^UCUM||01^历史记录^NIP001||||||202412B|20270630|CDSW^成都生物制品研究所^MFR|||CP|A",
        "RXR|C38238^皮内注射^NCIT^ID^^HL70162|LA^左上臂^HL70163") + "\r";
  }

  static String hospitalVxu(String card, String controlId, String lot) {
    return String.join("\r",
        "MSH|^~\\&|HIS|BJFY^2.999.86.30^ISO|HUB|HEALTHCARD-HUB|20250115120000||VXU^V04^VXU_V04|" + controlId
            + "|P|2.4|||AL|NE|CHN|UNICODE UTF-8",
        "PID|1||F" + controlId + "^^^^MR~" + card + "^^^&2.16.156.10011.1.19&ISO^NI||刘^小宝||20250115083000|M",
        "ORC|RE||F-" + controlId + "^BJFY",
        "RXA|0|1|20250115083000||08^Hep B, adolescent or pediatric^CVX|10|ug^ug^UCUM||00^新接种记录^NIP001|N101^孙^丽"
            + "|^^^BJFY-CK||||" + lot + "|20261231|SZKT^深圳康泰生物制品股份有限公司^MFR|||CP|A",
        "RXR|C28161^IM^NCIT^IM^^HL70162|RT^右大腿^HL70163") + "\r";
  }

  static String query(String queryName, String controlId, String card) {
    return String.join("\r",
        "MSH|^~\\&|EMR|TESTHOSP^2.999.86.1^ISO|HUB|HEALTHCARD-HUB|20250420091500||QBP^Q11^QBP_Q11|" + controlId
            + "|P|2.5.1|||ER|AL|CHN|UNICODE UTF-8|||" + queryName + "^CDCPHINVS",
        "QPD|" + queryName + "^Request Immunization History^CDCPHINVS|T-" + controlId + "|" + card
            + "^^^&2.16.156.10011.1.19&ISO^NI|刘^小宝^^^^^L||20250115|M",
        "RCP|I|5^RD&records&HL70126|R^real-time^HL70394") + "\r";
  }

  List<Immunization> doses(String card) {
    return search("/Immunization?patient.identifier=" + token(CARD, card) + "&status=completed").getEntry().stream()
        .map(e -> (Immunization) e.getResource())
        .toList();
  }

  @Test
  void theSameDoseFromTheSiteAndTheHospitalIsStoredOnceWithBothSources() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(2025, 1, 15));
    String control = "V" + System.nanoTime() % 1_000_000;

    assertThat(sendMllp(siteVxu(card, control + "S", "202401A"))).contains("MSA|AA|" + control + "S");
    await("/Immunization?patient.identifier=" + token(CARD, card), b -> b.getEntry().size() == 2);
    assertThat(sendMllp(hospitalVxu(card, control + "H", "202401A"))).contains("MSA|AA|" + control + "H");
    awaitInboxDrained();

    List<Immunization> doses = doses(card);
    assertThat(doses).hasSize(2);
    Immunization hepb = doses.stream()
        .filter(i -> i.getVaccineCode().getCoding().stream().anyMatch(c -> "HEPB".equals(c.getCode())))
        .findFirst().orElseThrow();
    assertThat(hepb.getLotNumber()).isEqualTo("202401A");
    Bundle provenances = search("/Provenance?target=Immunization/" + hepb.getIdElement().getIdPart());
    assertThat(provenances.getEntry()).hasSize(2);
    assertThat(provenances.getEntry().stream()
            .map(e -> ((Provenance) e.getResource()).getEntityFirstRep().getWhat().getReference()).distinct())
        .hasSize(2);
  }

  @Test
  void aDoseOfAnotherLotIsNotADuplicate() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(2025, 1, 15));
    String control = "W" + System.nanoTime() % 1_000_000;
    sendMllp(siteVxu(card, control + "S", "202401A"));
    await("/Immunization?patient.identifier=" + token(CARD, card), b -> b.getEntry().size() == 2);
    sendMllp(hospitalVxu(card, control + "H", "OTHERLOT"));
    await("/Immunization?patient.identifier=" + token(CARD, card), b -> b.getEntry().size() == 3);
  }

  @Test
  void anImmunizationQueryIsAnsweredWithHistoryAndForecast() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(2025, 1, 15));
    String control = "Q" + System.nanoTime() % 1_000_000;
    sendMllp(siteVxu(card, control + "S", "202401A"));
    await("/Immunization?patient.identifier=" + token(CARD, card), b -> b.getEntry().size() == 2);

    String history = sendMllp(query("Z34", control + "A", card));
    assertThat(history).contains("RSP^K11").contains("MSA|AA|" + control + "A").contains("QAK|T-" + control + "A|OK");
    assertThat(history).contains("RXA|").contains("HEPB").contains("BCG").contains("202401A");

    String forecast = sendMllp(query("Z44", control + "B", card));
    assertThat(forecast).contains("QAK|T-" + control + "B|OK").contains("30979-9").contains("30980-7");

    String unknown = sendMllp(query("Z34", control + "C", IdentityNumbers.next(LocalDate.of(2025, 1, 15))));
    assertThat(unknown).contains("QAK|T-" + control + "C|NF");
  }
}
