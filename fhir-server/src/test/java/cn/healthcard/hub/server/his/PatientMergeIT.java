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
    Person person = new Person("MG", "", "卫", "青", LocalDate.of(1972, 2, 2));
    String card = person.card;
    String tag = person.tag;
    String newMrn = person.newMrn;
    String oldId = person.registerTwice();

    String ack = person.merge();
    assertThat(msa1(ack)).as(ack).isEqualTo("AA");

    Bundle byCard = person.awaitCardOnTheSurvivor();
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
    Person person = new Person("MC", "C", "霍", "光", LocalDate.of(1975, 5, 5));
    String oldId = person.registerTwice();
    assertThat(observationSubjectByCard(person.card)).isEqualTo(oldId);

    assertThat(msa1(person.merge())).isEqualTo("AA");
    String survivorId = person.awaitCardOnTheSurvivor().getEntry().get(0).getResource().getIdElement().getIdPart();

    assertThat(observationSubjectByCard(person.card)).isEqualTo(survivorId);
  }

  /**
   * One person known to HOSP_MG twice: first with the card number (old MRN), then by a new MRN
   * only; the A40 merges the old record into the new one.
   */
  private final class Person {
    final String card;
    final String tag = Long.toString(System.nanoTime());
    final String control;
    final String oldMrn;
    final String newMrn;
    final String visitPrefix;
    final String family;
    final String given;
    final String birth;

    Person(String control, String prefix, String family, String given, LocalDate birthDate) {
      this.card = IdentityNumbers.next(birthDate);
      this.control = control;
      this.oldMrn = prefix + "OLD" + tag;
      this.newMrn = prefix + "NEW" + tag;
      this.visitPrefix = prefix + "V";
      this.family = family;
      this.given = given;
      this.birth = birthDate.toString().replace("-", "");
    }

    /** Both registrations acknowledged and stored; returns the id of the record with the card. */
    String registerTwice() throws Exception {
      assertThat(msa1(sendMllp(message(msh("HOSP_MG", "ADT^A04^ADT_A01", control + "1-" + tag, "2.4", null),
          segment("EVN", "A04", "20261120080000+0800"),
          pid(card, oldMrn, "HOSP_MG", family, given, birth, "M"), pv1("O", visitPrefix + "OLD" + tag, "HOSP_MG"))))).isEqualTo("AA");
      assertThat(msa1(sendMllp(message(msh("HOSP_MG", "ADT^A04^ADT_A01", control + "2-" + tag, "2.4", null),
          segment("EVN", "A04", "20261121080000+0800"),
          pid(null, newMrn, "HOSP_MG", family, given, birth, "M"), pv1("O", visitPrefix + "NEW" + tag, "HOSP_MG"))))).isEqualTo("AA");
      Bundle old = await("/Patient?identifier=" + token(MRN, oldMrn), b -> b.getEntry().size() == 1);
      await("/Patient?identifier=" + token(MRN, newMrn), b -> b.getEntry().size() == 1);
      return old.getEntry().get(0).getResource().getIdElement().getIdPart();
    }

    /** The A40's ACK. */
    String merge() throws Exception {
      return sendMllp(message(msh("HOSP_MG", "ADT^A40^ADT_A39", control + "3-" + tag, "2.4", null),
          segment("EVN", "A40", "20261122080000+0800"),
          pid(card, newMrn, "HOSP_MG", family, given, birth, "M"),
          segment("MRG", oldMrn + "^^^^MR")));
    }

    /** Waits until the card number is on the record with the new MRN. */
    Bundle awaitCardOnTheSurvivor() throws InterruptedException {
      return await("/Patient?identifier=" + token(CARD, card),
          b -> b.getEntry().size() == 1 && ((Patient) b.getEntry().get(0).getResource()).getIdentifier().stream().anyMatch(i -> newMrn.equals(i.getValue())));
    }
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
