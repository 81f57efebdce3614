package cn.healthcard.hub.server.his;

import static cn.healthcard.hub.server.his.HisMessages.message;
import static cn.healthcard.hub.server.his.HisMessages.msa1;
import static cn.healthcard.hub.server.his.HisMessages.msh;
import static cn.healthcard.hub.server.his.HisMessages.pid;
import static cn.healthcard.hub.server.his.HisMessages.pv1;
import static cn.healthcard.hub.server.his.HisMessages.segment;
import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.IdentityNumbers;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Patient.LinkType;
import org.junit.jupiter.api.Test;

/** ADT^A40: the surviving Patient keeps everything; the other is linked replaced-by and its data moves. */
class PatientMergeIT extends HisIntegrationTest {
  private static final String MRN = "https://hub.healthcard.cn/fhir/NamingSystem/HOSP_MG/mrn";
  private static final String VISIT = "https://hub.healthcard.cn/fhir/NamingSystem/HOSP_MG/visit";

  @Test
  void mergeMovesTheVisitsAndCardToTheSurvivor() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1972, 2, 2));
    String tag = Long.toString(System.nanoTime());
    String oldMrn = "OLD" + tag;
    String newMrn = "NEW" + tag;
    assertThat(msa1(sendMllp(message(msh("HOSP_MG", "ADT^A04^ADT_A01", "MG1-" + tag, "2.4", null),
        segment("EVN", "A04", "20261120080000+0800"),
        pid(card, oldMrn, "HOSP_MG", "卫", "青", "19720202", "M"), pv1("O", "VOLD" + tag, "HOSP_MG"))))).isEqualTo("AA");
    assertThat(msa1(sendMllp(message(msh("HOSP_MG", "ADT^A04^ADT_A01", "MG2-" + tag, "2.4", null),
        segment("EVN", "A04", "20261121080000+0800"),
        pid(null, newMrn, "HOSP_MG", "卫", "青", "19720202", "M"), pv1("O", "VNEW" + tag, "HOSP_MG"))))).isEqualTo("AA");
    Bundle old = await("/Patient?identifier=" + token(MRN, oldMrn), b -> b.getEntry().size() == 1);
    String oldId = old.getEntry().get(0).getResource().getIdElement().getIdPart();
    await("/Patient?identifier=" + token(MRN, newMrn), b -> b.getEntry().size() == 1);

    String ack = sendMllp(message(msh("HOSP_MG", "ADT^A40^ADT_A39", "MG3-" + tag, "2.4", null),
        segment("EVN", "A40", "20261122080000+0800"),
        pid(card, newMrn, "HOSP_MG", "卫", "青", "19720202", "M"),
        segment("MRG", oldMrn + "^^^^MR")));
    assertThat(msa1(ack)).as(ack).isEqualTo("AA");

    Bundle byCard = await("/Patient?identifier=" + token(CARD, card),
        b -> b.getEntry().size() == 1 && ((Patient) b.getEntry().get(0).getResource()).getIdentifier().stream().anyMatch(i -> newMrn.equals(i.getValue())));
    assertThat(byCard.getEntry()).hasSize(1);
    Patient survivor = (Patient) byCard.getEntry().get(0).getResource();
    assertThat(survivor.getIdentifier()).extracting(i -> i.getValue()).contains(card, newMrn);
    String survivorId = survivor.getIdElement().getIdPart();
    assertThat(survivorId).isNotEqualTo(oldId);

    Patient merged = FHIR.newJsonParser().parseResource(Patient.class, get("/Patient/" + oldId).body());
    assertThat(merged.getActive()).isFalse();
    assertThat(merged.getLink()).anySatisfy(l -> {
      assertThat(l.getType()).isEqualTo(LinkType.REPLACEDBY);
      assertThat(l.getOther().getReferenceElement().getIdPart()).isEqualTo(survivorId);
    });
    Bundle oldVisit = await("/Encounter?identifier=" + token(VISIT, "VOLD" + tag),
        b -> b.getEntry().size() == 1 && ((Encounter) b.getEntry().get(0).getResource()).getSubject().getReferenceElement().getIdPart().equals(survivorId));
    assertThat(((Encounter) oldVisit.getEntry().get(0).getResource()).getSubject().getReferenceElement().getIdPart())
        .isEqualTo(survivorId);
  }

  /**
   * HAPI caches what a conditional URL resolved to (the hub turns that cache on for write speed);
   * a merge moves the card number to another Patient, so the cached answer must not outlive it.
   */
  @Test
  void aReferenceByCardNumberRightAfterTheMergeFindsTheSurvivor() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1975, 5, 5));
    String tag = Long.toString(System.nanoTime());
    String oldMrn = "COLD" + tag;
    String newMrn = "CNEW" + tag;
    assertThat(msa1(sendMllp(message(msh("HOSP_MG", "ADT^A04^ADT_A01", "MC1-" + tag, "2.4", null),
        segment("EVN", "A04", "20261120080000+0800"),
        pid(card, oldMrn, "HOSP_MG", "霍", "光", "19750505", "M"), pv1("O", "CVOLD" + tag, "HOSP_MG"))))).isEqualTo("AA");
    assertThat(msa1(sendMllp(message(msh("HOSP_MG", "ADT^A04^ADT_A01", "MC2-" + tag, "2.4", null),
        segment("EVN", "A04", "20261121080000+0800"),
        pid(null, newMrn, "HOSP_MG", "霍", "光", "19750505", "M"), pv1("O", "CVNEW" + tag, "HOSP_MG"))))).isEqualTo("AA");
    String oldId = await("/Patient?identifier=" + token(MRN, oldMrn), b -> b.getEntry().size() == 1)
        .getEntry().get(0).getResource().getIdElement().getIdPart();
    await("/Patient?identifier=" + token(MRN, newMrn), b -> b.getEntry().size() == 1);
    assertThat(observationSubjectByCard(card)).isEqualTo(oldId);

    assertThat(msa1(sendMllp(message(msh("HOSP_MG", "ADT^A40^ADT_A39", "MC3-" + tag, "2.4", null),
        segment("EVN", "A40", "20261122080000+0800"),
        pid(card, newMrn, "HOSP_MG", "霍", "光", "19750505", "M"),
        segment("MRG", oldMrn + "^^^^MR"))))).isEqualTo("AA");
    Bundle byCard = await("/Patient?identifier=" + token(CARD, card),
        b -> b.getEntry().size() == 1 && ((Patient) b.getEntry().get(0).getResource()).getIdentifier().stream().anyMatch(i -> newMrn.equals(i.getValue())));
    String survivorId = byCard.getEntry().get(0).getResource().getIdElement().getIdPart();

    assertThat(observationSubjectByCard(card)).isEqualTo(survivorId);
  }

  /** Writes an Observation whose subject is given by card number only; returns the Patient id it got. */
  private String observationSubjectByCard(String card) {
    String transaction = "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"resource\":"
        + "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\"29463-7\"}]},"
        + "\"subject\":{\"reference\":\"Patient?identifier=" + CARD + "|" + card + "\"}},"
        + "\"request\":{\"method\":\"POST\",\"url\":\"Observation\"}}]}";
    var response = post("", "application/fhir+json", transaction);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Bundle outcome = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
    String location = outcome.getEntryFirstRep().getResponse().getLocation();
    String observation = location.substring(0, location.indexOf("/_history"));
    return FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Observation.class, get("/" + observation).body())
        .getSubject().getReferenceElement().getIdPart();
  }
}
