package cn.healthcard.hub.server.his;

import static cn.healthcard.hub.server.his.HisMessages.message;
import static cn.healthcard.hub.server.his.HisMessages.msa1;
import static cn.healthcard.hub.server.his.HisMessages.msh;
import static cn.healthcard.hub.server.his.HisMessages.pid;
import static cn.healthcard.hub.server.his.HisMessages.segment;
import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.IdentityNumbers;
import java.time.LocalDate;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Patient;
import org.junit.jupiter.api.Test;

/** Messages arriving out of order: the stored result follows the event times, not arrival. */
class OutOfOrderIT extends HisIntegrationTest {
  private static final String VISIT = "https://hub.healthcard.cn/fhir/NamingSystem/HOSP_OO/visit";

  private static String adt(String trigger, String controlId, String eventTime, String card, String mrn, String visit,
      String given, String dischargeTime) {
    String[] pv1 = new String[46];
    pv1[0] = "1";
    pv1[1] = "I";
    pv1[2] = "WARD^01^01^HOSP_OO";
    pv1[18] = visit;
    pv1[43] = "20261120080000+0800";
    pv1[44] = dischargeTime;
    return message(msh("HOSP_OO", "ADT^" + trigger + "^ADT_A01", controlId, "2.4", null),
        segment("EVN", trigger, eventTime),
        pid(card, mrn, "HOSP_OO", "秦", given, card.substring(6, 14), "M"),
        segment("PV1", pv1));
  }

  @Test
  void anUpdateOlderThanTheDischargeDoesNotReopenTheVisitOrRollBackTheName() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1961, 1, 1));
    String tag = Long.toString(System.nanoTime());
    String visit = "V" + tag;
    // the discharge (event at 12:00) arrives first, the admission update (event at 10:00) after it
    assertThat(msa1(sendMllp(adt("A03", "OO1-" + tag, "20261121120000+0800", card, "M" + tag, visit, "始皇", "20261121115500+0800"))))
        .isEqualTo("AA");
    awaitInboxDrained();
    assertThat(msa1(sendMllp(adt("A08", "OO2-" + tag, "20261121100000+0800", card, "M" + tag, visit, "政", null))))
        .isEqualTo("AA");
    awaitInboxDrained();
    Thread.sleep(300);

    Bundle encounters = FHIR.newJsonParser().parseResource(Bundle.class,
        get("/Encounter?identifier=" + token(VISIT, visit)).body());
    assertThat(encounters.getEntry()).hasSize(1);
    Encounter encounter = (Encounter) encounters.getEntry().get(0).getResource();
    assertThat(encounter.getStatus()).isEqualTo(Encounter.EncounterStatus.FINISHED);
    Bundle patients = FHIR.newJsonParser().parseResource(Bundle.class,
        get("/Patient?identifier=" + token(CARD, card)).body());
    assertThat(((Patient) patients.getEntry().get(0).getResource()).getNameFirstRep().getGivenAsSingleString()).isEqualTo("始皇");
  }

  @Test
  void aRepeatOfUnchangedDemographicsWritesNoNewVersionButAChangeDoes() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1962, 2, 2));
    String tag = Long.toString(System.nanoTime());
    String visit = "V" + tag;
    assertThat(msa1(sendMllp(adt("A04", "UC1-" + tag, "20261121080000+0800", card, "M" + tag, visit, "长青", null)))).isEqualTo("AA");
    awaitInboxDrained();
    assertThat(msa1(sendMllp(adt("A08", "UC2-" + tag, "20261121090000+0800", card, "M" + tag, visit, "长青", null)))).isEqualTo("AA");
    awaitInboxDrained();
    Thread.sleep(300);
    String query = "/Patient?identifier=" + token(CARD, card);
    Patient first = (Patient) FHIR.newJsonParser().parseResource(Bundle.class, get(query).body()).getEntry().get(0).getResource();
    assertThat(first.getMeta().getVersionId()).isEqualTo("1");

    // a change stamped between the written 08:00 and the unwritten 09:00 is older than what the
    // record has seen: refused, although the stored resource still says 08:00
    assertThat(msa1(sendMllp(adt("A08", "UC3-" + tag, "20261121083000+0800", card, "M" + tag, visit, "长春", null)))).isEqualTo("AA");
    awaitInboxDrained();
    Thread.sleep(300);
    Patient refused = (Patient) FHIR.newJsonParser().parseResource(Bundle.class, get(query).body()).getEntry().get(0).getResource();
    assertThat(refused.getMeta().getVersionId()).isEqualTo("1");
    assertThat(refused.getNameFirstRep().getGivenAsSingleString()).isEqualTo("长青");

    assertThat(msa1(sendMllp(adt("A08", "UC4-" + tag, "20261121100000+0800", card, "M" + tag, visit, "长春", null)))).isEqualTo("AA");
    awaitInboxDrained();
    Thread.sleep(300);
    Patient changed = (Patient) FHIR.newJsonParser().parseResource(Bundle.class, get(query).body()).getEntry().get(0).getResource();
    assertThat(changed.getMeta().getVersionId()).isEqualTo("2");
    assertThat(changed.getNameFirstRep().getGivenAsSingleString()).isEqualTo("长春");
  }
}
