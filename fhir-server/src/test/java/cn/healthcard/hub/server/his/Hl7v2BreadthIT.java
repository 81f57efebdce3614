package cn.healthcard.hub.server.his;

import static cn.healthcard.hub.server.his.HisMessages.adt;
import static cn.healthcard.hub.server.his.HisMessages.field;
import static cn.healthcard.hub.server.his.HisMessages.msa1;
import static cn.healthcard.hub.server.his.HisMessages.message;
import static cn.healthcard.hub.server.his.HisMessages.msh;
import static cn.healthcard.hub.server.his.HisMessages.pid;
import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.server.IdentityNumbers;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.AllergyIntolerance;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Slot;
import org.junit.jupiter.api.Test;

/**
 * HL7 v2 as hospitals send it: later versions, senders without MSH-4, the wider ADT event set,
 * allergies, scheduling, and the operators' dry run.
 */
class Hl7v2BreadthIT extends HisIntegrationTest {
  private static final AtomicInteger CONTROL = new AtomicInteger();

  private static String controlId() {
    return "B" + System.nanoTime() % 1_000_000_000L + "-" + CONTROL.incrementAndGet();
  }

  @Test
  void aVersion28AdmissionWithAllergiesIsStoredAndAnsweredIn28() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1979, 4, 2));
    String visit = "V" + controlId();
    String a01 = adt("A01", "HOSP_B", controlId(), card, "MRN" + controlId(), visit, "周", "八", "19790402", "M")
        .replace("|P|2.4|", "|P|2.8|")
        + "PRT|1|AD||RP|D009^医生^丁\r"
        + "AL1|1|DA|C0030842^青霉素^UMLS|SV|皮疹\r";
    String ack = sendMllp(a01);
    assertThat(msa1(ack)).isEqualTo("AA");
    // the fields after MSH| are MSH-2...: index 11 is MSH-12
    assertThat(field(ack, "MSH", 11)).isEqualTo("2.8");
    Bundle allergies = awaitAtLeast("/AllergyIntolerance?patient.identifier=" + token(CARD, card), 1);
    assertThat(allergies.getEntry()).hasSize(1);
    AllergyIntolerance allergy = (AllergyIntolerance) allergies.getEntryFirstRep().getResource();
    assertThat(allergy.getCode().getCodingFirstRep().getCode()).isEqualTo("C0030842");
    assertThat(allergy.getCriticality()).isEqualTo(AllergyIntolerance.AllergyIntoleranceCriticality.HIGH);

    // the same allergy in a later A08 updates it, never duplicates it
    String a08 = adt("A08", "HOSP_B", controlId(), card, "MRN-x", visit, "周", "八", "19790402", "M")
        .replace("|P|2.4|", "|P|2.8.2|") + "AL1|1|DA|C0030842^青霉素^UMLS|SV|皮疹\r";
    assertThat(msa1(sendMllp(a08))).isEqualTo("AA");
    Thread.sleep(1500);
    assertThat(search("/AllergyIntolerance?patient.identifier=" + token(CARD, card)).getEntry()).hasSize(1);
  }

  @Test
  void withoutMsh4TheSendingApplicationIsTheSenderAndTheAckWarns() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1981, 9, 9));
    registerHospital("HIS_APP_9");
    String visit = "V" + controlId();
    String message = adt("A04", "X", controlId(), card, "MRN" + controlId(), visit, "吴", "九", "19810909", "F")
        .replace("MSH|^~\\&|HIS|X|", "MSH|^~\\&|HIS_APP_9||");
    String ack = sendMllp(message);
    assertThat(msa1(ack)).isEqualTo("AA");
    assertThat(field(ack, "ERR", 2)).isEqualTo("MSH^1^4");
    assertThat(field(ack, "ERR", 4)).isEqualTo("W");
    Bundle encounters = awaitAtLeast("/Encounter?identifier="
        + token("https://hub.healthcard.cn/fhir/NamingSystem/HIS_APP_9/visit", visit), 1);
    assertThat(encounters.getEntry()).hasSize(1);
    // an unregistered application is refused as an unregistered facility is
    String other = message.replace("HIS_APP_9", "HIS_APP_UNKNOWN");
    String refused = sendMllp(other);
    assertThat(msa1(refused)).isEqualTo("AR");
  }

  @Test
  void leaveOfAbsenceAndADeletedVisitSetTheEncountersStatus() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1970, 1, 5));
    String visit = "V" + controlId();
    String mrn = "MRN" + controlId();
    assertThat(msa1(sendMllp(adt("A01", "HOSP_B", controlId(), card, mrn, visit, "郑", "十", "19700105", "M"))))
        .isEqualTo("AA");
    String a21 = adt("A21", "HOSP_B", controlId(), card, mrn, visit, "郑", "十", "19700105", "M")
        .replace("ADT^A21^ADT_A01", "ADT^A21^ADT_A21").replace("20261126093000+0800", "20261126100000+0800");
    assertThat(msa1(sendMllp(a21))).isEqualTo("AA");
    Bundle onLeave = await("/Encounter?identifier=" + token("https://hub.healthcard.cn/fhir/NamingSystem/HOSP_B/visit", visit),
        b -> b.getEntry().size() == 1
            && ((Encounter) b.getEntryFirstRep().getResource()).getStatus() == Encounter.EncounterStatus.ONLEAVE);
    assertThat(((Encounter) onLeave.getEntryFirstRep().getResource()).getStatus()).isEqualTo(Encounter.EncounterStatus.ONLEAVE);
  }

  @Test
  void anAppointmentIsBookedRescheduledAndCancelled() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1966, 6, 6));
    String appointmentId = "APT" + controlId();
    String patient = pid(card, "MRN" + controlId(), "HOSP_B", "冯", "十一", "19660606", "M");
    String booked = message(msh("HOSP_B", "SIU^S12^SIU_S12", controlId(), "2.5.1", "UNICODE UTF-8"),
        "SCH||" + appointmentId + "^RIS|||||R-01^高血压复诊^L|FOLLOWUP^复诊^L|20|min|^^^20261210093000+0800"
            + "|||||||||||||||Booked",
        patient, "RGS|1", "AIL|1||XNK^201^^HOSP_B", "AIP|1||D003^医生^丙");
    assertThat(msa1(sendMllp(booked))).isEqualTo("AA");
    // SCH-2's namespace (EI-2, "RIS") scopes the number within the sending facility
    String query = "/Appointment?identifier=" + token("https://hub.healthcard.cn/fhir/NamingSystem/HOSP_B/RIS",
        appointmentId);
    Bundle found = awaitAtLeast(query, 1);
    Appointment appointment = (Appointment) found.getEntryFirstRep().getResource();
    assertThat(appointment.getStatus()).isEqualTo(Appointment.AppointmentStatus.BOOKED);
    assertThat(appointment.getMinutesDuration()).isEqualTo(20);
    assertThat(appointment.getParticipant()).hasSize(3);
    // the doctor's and the room's time: a Slot each, in their Schedules
    assertThat(appointment.getSlot()).hasSize(2);
    String doctorsSlot = "/Slot?identifier=" + token("https://hub.healthcard.cn/fhir/NamingSystem/HOSP_B/slot",
        appointmentId + "/practitioner/D003");
    Slot busy = (Slot) awaitAtLeast(doctorsSlot, 1).getEntryFirstRep().getResource();
    assertThat(busy.getStatus()).isEqualTo(Slot.SlotStatus.BUSY);
    assertThat(search("/Schedule?identifier=" + token("https://hub.healthcard.cn/fhir/NamingSystem/HOSP_B/schedule",
        "practitioner/D003")).getEntry()).hasSize(1);

    String cancelled = message(msh("HOSP_B", "SIU^S15^SIU_S12", controlId(), "2.5.1", "UNICODE UTF-8")
            .replace("20261126093000+0800", "20261127093000+0800"),
        "SCH||" + appointmentId + "^RIS|||||R-01^高血压复诊^L|FOLLOWUP^复诊^L|20|min|^^^20261210093000+0800",
        patient, "RGS|1");
    assertThat(msa1(sendMllp(cancelled))).isEqualTo("AA");
    Bundle after = await(query, b -> b.getEntry().size() == 1
        && ((Appointment) b.getEntryFirstRep().getResource()).getStatus() == Appointment.AppointmentStatus.CANCELLED);
    assertThat(after.getEntry()).hasSize(1);
    assertThat(((Appointment) after.getEntryFirstRep().getResource()).getStatus())
        .isEqualTo(Appointment.AppointmentStatus.CANCELLED);
    // the cancellation names no resources: the appointment keeps its Slots, and they are free again
    assertThat(((Appointment) after.getEntryFirstRep().getResource()).getSlot()).hasSize(2);
    Slot freed = (Slot) search(doctorsSlot).getEntryFirstRep().getResource();
    assertThat(freed.getStatus()).isEqualTo(Slot.SlotStatus.FREE);

    // without a start an appointment that is booked cannot be stored: AE naming SCH-11
    String noTime = message(msh("HOSP_B", "SIU^S12^SIU_S12", controlId(), "2.5.1", "UNICODE UTF-8"),
        "SCH||" + appointmentId + "-2^RIS", patient, "RGS|1");
    String ae = sendMllp(noTime);
    assertThat(msa1(ae)).isEqualTo("AE");
    assertThat(field(ae, "ERR", 2)).isEqualTo("SCH^1^11");
  }

  @Test
  void documentsAreNotifiedAmendedReplacedAndCancelledWithoutLosingTheirText() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1958, 8, 8));
    String patient = pid(card, "MRN" + controlId(), "HOSP_B", "褚", "十二", "19580808", "F");
    String doc = "DOC" + controlId();
    String system = "https://hub.healthcard.cn/fhir/NamingSystem/HOSP_B/EMR";
    String original = message(msh("HOSP_B", "MDM^T02^MDM_T02", controlId(), "2.5.1", "UNICODE UTF-8")
            .replace("20261126093000+0800", "20261126100000+0800"),
        patient, "TXA|1|DS|TX|20261126095000||||||||" + doc + "^EMR|||||IP||AV",
        "OBX|1|TX|18842-5^Discharge summary^LN||出院小结：好转||||||F");
    assertThat(msa1(sendMllp(original))).isEqualTo("AA");
    String query = "/DocumentReference?identifier=" + token(system, doc);
    awaitAtLeast(query, 1);

    // a status-change notification (authenticated) carries no text: the stored text stays
    String authenticated = message(msh("HOSP_B", "MDM^T03^MDM_T01", controlId(), "2.6", "UNICODE UTF-8")
            .replace("20261126093000+0800", "20261126110000+0800"),
        patient, "TXA|1|DS|TX|20261126095000||||||||" + doc + "^EMR|||||AU||AV");
    assertThat(msa1(sendMllp(authenticated))).isEqualTo("AA");
    Bundle afterStatus = await(query, b -> b.getEntry().size() == 1
        && ((DocumentReference) b.getEntryFirstRep().getResource()).getDocStatus()
            == DocumentReference.ReferredDocumentStatus.FINAL);
    DocumentReference stored = (DocumentReference) afterStatus.getEntryFirstRep().getResource();
    assertThat(stored.getContent()).hasSize(1);
    assertThat(new String(stored.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8))
        .isEqualTo("出院小结：好转");

    // a replacement: the new document is current and names the one it replaces, which is superseded
    String replacement = "DOC" + controlId();
    String replaced = message(msh("HOSP_B", "MDM^T10^MDM_T02", controlId(), "2.7", "UNICODE UTF-8")
            .replace("20261126093000+0800", "20261126120000+0800"),
        patient, "TXA|1|DS|TX|20261126115000||||||||" + replacement + "^EMR|" + doc + "^EMR||||AU||AV",
        "OBX|1|TX|18842-5^Discharge summary^LN||出院小结：治愈||||||F");
    assertThat(msa1(sendMllp(replaced))).isEqualTo("AA");
    Bundle superseded = await(query, b -> b.getEntry().size() == 1
        && ((DocumentReference) b.getEntryFirstRep().getResource()).getStatus() == DocumentReferenceStatus.SUPERSEDED);
    DocumentReference old = (DocumentReference) superseded.getEntryFirstRep().getResource();
    assertThat(old.getStatus()).isEqualTo(DocumentReferenceStatus.SUPERSEDED);
    assertThat(new String(old.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8))
        .isEqualTo("出院小结：好转");
    DocumentReference current = (DocumentReference) search("/DocumentReference?identifier=" + token(system, replacement))
        .getEntryFirstRep().getResource();
    assertThat(current.getStatus()).isEqualTo(DocumentReferenceStatus.CURRENT);
    assertThat(current.getRelatesToFirstRep().getCode()).isEqualTo(DocumentReference.DocumentRelationshipType.REPLACES);
    assertThat(current.getRelatesToFirstRep().getTarget().getIdentifier().getValue()).isEqualTo(doc);

    // the replacement is cancelled: entered in error, its text kept for the record
    String cancel = message(msh("HOSP_B", "MDM^T11^MDM_T01", controlId(), "2.5.1", "UNICODE UTF-8")
            .replace("20261126093000+0800", "20261126130000+0800"),
        patient, "TXA|1|DS|TX|20261126115000||||||||" + replacement + "^EMR|||||AU||CA");
    assertThat(msa1(sendMllp(cancel))).isEqualTo("AA");
    Bundle cancelled = await("/DocumentReference?identifier=" + token(system, replacement), b -> b.getEntry().size() == 1
        && ((DocumentReference) b.getEntryFirstRep().getResource()).getStatus() == DocumentReferenceStatus.ENTEREDINERROR);
    DocumentReference gone = (DocumentReference) cancelled.getEntryFirstRep().getResource();
    assertThat(new String(gone.getContentFirstRep().getAttachment().getData(), StandardCharsets.UTF_8))
        .isEqualTo("出院小结：治愈");

    // replacing a document the hub never received stores the new one and changes nothing else
    String unknownParent = "DOC" + controlId();
    String orphan = "DOC" + controlId();
    String replacesUnknown = message(msh("HOSP_B", "MDM^T09^MDM_T01", controlId(), "2.5.1", "UNICODE UTF-8"),
        patient, "TXA|1|DS|TX|20261126115000||||||||" + orphan + "^EMR|" + unknownParent + "^EMR||||AU||AV");
    assertThat(msa1(sendMllp(replacesUnknown))).isEqualTo("AA");
    Bundle orphanStored = awaitAtLeast("/DocumentReference?identifier=" + token(system, orphan), 1);
    DocumentReference notified = (DocumentReference) orphanStored.getEntryFirstRep().getResource();
    assertThat(notified.getContentFirstRep().getAttachment().hasData()).isFalse();
    assertThat(search("/DocumentReference?identifier=" + token(system, unknownParent)).getEntry()).isEmpty();
  }

  @Test
  void numbersChangeAndRecordsLinkWithoutLosingWhatIsStored() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1962, 2, 12));
    String mrn = "MRN" + controlId();
    String other = "MRN" + controlId();
    String account = "ACC" + controlId();
    String mrnSystem = "https://hub.healthcard.cn/fhir/NamingSystem/HOSP_B/mrn";
    String accountSystem = "https://hub.healthcard.cn/fhir/NamingSystem/HOSP_B/account";
    String patient = pid(card, mrn, "HOSP_B", "卫", "十三", "19620212", "F");
    String bar = message(msh("HOSP_B", "BAR^P01^BAR_P01", controlId(), "2.5.1", "UNICODE UTF-8"),
        "EVN|P01|20261126093000+0800", patient + "|||||||" + account + "^^^^AN",
        "PV1|1|I|NK3||||||||||||||||V" + controlId() + "|||||||||||||||||||||||||20261120080000+0800");
    assertThat(msa1(sendMllp(bar))).isEqualTo("AA");
    String byCard = "/Patient?identifier=" + token(CARD, card);
    awaitAtLeast(byCard, 1);
    awaitAtLeast("/Account?identifier=" + token(accountSystem, account), 1);

    // A24: the two records of one person see each other; a later A08 (no links) keeps the links
    String second = pid(null, other, "HOSP_B", "卫", "十三", "19620212", "F");
    assertThat(msa1(sendMllp(message(msh("HOSP_B", "ADT^A24^ADT_A24", controlId(), "2.5.1", "UNICODE UTF-8"),
        "EVN|A24|20261126093000+0800", patient, second)))).isEqualTo("AA");
    await(byCard, b -> b.getEntry().size() == 1 && ((Patient) b.getEntryFirstRep().getResource()).getLink().size() == 1);
    String otherQuery = "/Patient?identifier=" + token(mrnSystem, other);
    Patient linked = (Patient) awaitAtLeast(otherQuery, 1).getEntryFirstRep().getResource();
    Patient first = (Patient) search(byCard).getEntryFirstRep().getResource();
    assertThat(linked.getLinkFirstRep().getType()).isEqualTo(Patient.LinkType.SEEALSO);
    assertThat(linked.getLinkFirstRep().getOther().getReferenceElement().getIdPart()).isEqualTo(first.getIdPart());
    String a08 = adt("A08", "HOSP_B", controlId(), card, mrn, "V" + controlId(), "卫", "十三", "19620212", "F")
        .replace("|ADT^A08^ADT_A01|", "|ADT^A08^ADT_A01|").replace("和平路1号", "中山路2号");
    assertThat(msa1(sendMllp(a08))).isEqualTo("AA");
    Patient updated = (Patient) await(byCard, b -> b.getEntry().size() == 1
        && ((Patient) b.getEntryFirstRep().getResource()).getAddressFirstRep().getLine().toString().contains("中山路2号"))
        .getEntryFirstRep().getResource();
    assertThat(updated.getLink()).hasSize(1);
    assertThat(updated.getLinkFirstRep().getOther().getReferenceElement().getIdPart()).isEqualTo(linked.getIdPart());

    // A47: a new number; the old one stays, marked old, and still finds the person
    String newMrn = "MRN" + controlId();
    assertThat(msa1(sendMllp(message(msh("HOSP_B", "ADT^A47^ADT_A30", controlId(), "2.5.1", "UNICODE UTF-8"),
        "EVN|A47|20261126093000+0800", pid(card, newMrn, "HOSP_B", "卫", "十三", "19620212", "F"),
        "MRG|" + mrn + "^^^^MR")))).isEqualTo("AA");
    Patient renumbered = (Patient) awaitAtLeast("/Patient?identifier=" + token(mrnSystem, newMrn), 1)
        .getEntryFirstRep().getResource();
    assertThat(renumbered.getIdPart()).isEqualTo(first.getIdPart());
    assertThat(renumbered.getIdentifier().stream().filter(i -> i.getValue().equals(mrn)).findFirst().orElseThrow().getUse())
        .isEqualTo(Identifier.IdentifierUse.OLD);
    assertThat(renumbered.getLink()).hasSize(1);

    // A49: the account's new number; the billing system's service period stays
    String newAccount = "ACC" + controlId();
    assertThat(msa1(sendMllp(message(msh("HOSP_B", "ADT^A49^ADT_A30", controlId(), "2.6", "UNICODE UTF-8"),
        "EVN|A49|20261126093000+0800",
        pid(card, newMrn, "HOSP_B", "卫", "十三", "19620212", "F") + "|||||||" + newAccount + "^^^^AN",
        "MRG|" + newMrn + "^^^^MR||" + account + "^^^^AN")))).isEqualTo("AA");
    Bundle accounts = awaitAtLeast("/Account?identifier=" + token(accountSystem, newAccount), 1);
    assertThat(accounts.getEntry()).hasSize(1);
    Account renamed = (Account) accounts.getEntryFirstRep().getResource();
    assertThat(renamed.getIdentifier()).hasSize(2);
    assertThat(renamed.getServicePeriod().hasStart()).isTrue();
    assertThat(search("/Account?identifier=" + token(accountSystem, account)).getEntry()).hasSize(1);

    // A41 merging an account the hub never received: the survivor stays, nothing fails
    assertThat(msa1(sendMllp(message(msh("HOSP_B", "ADT^A41^ADT_A39", controlId(), "2.5.1", "UNICODE UTF-8"),
        "EVN|A41|20261126093000+0800",
        pid(card, newMrn, "HOSP_B", "卫", "十三", "19620212", "F") + "|||||||" + newAccount + "^^^^AN",
        "MRG|" + newMrn + "^^^^MR||ACC-NEVER-SEEN^^^^AN")))).isEqualTo("AA");

    // A37: the link goes on both sides
    assertThat(msa1(sendMllp(message(msh("HOSP_B", "ADT^A37^ADT_A37", controlId(), "2.5.1", "UNICODE UTF-8"),
        "EVN|A37|20261126093000+0800", pid(card, newMrn, "HOSP_B", "卫", "十三", "19620212", "F"), second))))
        .isEqualTo("AA");
    await(byCard, b -> b.getEntry().size() == 1 && ((Patient) b.getEntryFirstRep().getResource()).getLink().isEmpty());
    await(otherQuery, b -> b.getEntry().size() == 1 && ((Patient) b.getEntryFirstRep().getResource()).getLink().isEmpty());
    assertThat(((Patient) search(byCard).getEntryFirstRep().getResource()).getExtension().stream()
        .map(e -> e.getUrl()).toList()).doesNotContain("https://hub.healthcard.cn/fhir/StructureDefinition/unlink");

    // A29: the hospital no longer knows the second record; its number is retired, nothing deleted
    assertThat(msa1(sendMllp(message(msh("HOSP_B", "ADT^A29^ADT_A21", controlId(), "2.4", "UNICODE UTF-8"),
        "EVN|A29|20261126093000+0800", second, "PV1|1|N")))).isEqualTo("AA");
    Patient retired = (Patient) await(otherQuery, b -> b.getEntry().size() == 1
        && ((Patient) b.getEntryFirstRep().getResource()).getIdentifierFirstRep().getUse() == Identifier.IdentifierUse.OLD)
        .getEntryFirstRep().getResource();
    assertThat(retired.getIdentifier()).hasSize(1);
    assertThat(retired.getIdentifierFirstRep().getValue()).isEqualTo(other);
  }

  @Test
  void aDryRunAnswersTheAckAndTheTransactionAndStoresNothing() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1990, 2, 2));
    String visit = "V" + controlId();
    String message = adt("A01", "HOSP_DRY", controlId(), card, "MRN" + controlId(), visit, "陈", "一", "19900202", "F");
    HttpResponse<String> answer = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/hl7v2/dry-run"))
        .header("Authorization", "Bearer " + clients().adminToken())
        .header("Content-Type", "x-application/hl7-v2+er7")
        .POST(HttpRequest.BodyPublishers.ofString(message)).build());
    assertThat(answer.statusCode()).isEqualTo(200);
    Parameters parameters = FHIR.newJsonParser().parseResource(Parameters.class, answer.body());
    assertThat(parameters.getParameter("outcome").getValue().primitiveValue()).isEqualTo("AA");
    assertThat(parameters.getParameter("ack").getValue().primitiveValue()).contains("\rMSA|AA|");
    Bundle transaction = (Bundle) parameters.getParameter("transaction").getResource();
    assertThat(transaction.getType()).isEqualTo(Bundle.BundleType.TRANSACTION);
    assertThat(transaction.getEntry()).anyMatch(e -> e.getResource() instanceof Encounter);
    Thread.sleep(1000);
    assertThat(search("/Patient?identifier=" + token(CARD, card)).getEntry()).isEmpty();

    HttpResponse<String> bad = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/hl7v2/dry-run"))
        .header("Authorization", "Bearer " + clients().adminToken())
        .POST(HttpRequest.BodyPublishers.ofString(message.replace("|19900202|", "|19900230|")))
        .build());
    Parameters refused = FHIR.newJsonParser().parseResource(Parameters.class, bad.body());
    assertThat(refused.getParameter("outcome").getValue().primitiveValue()).isEqualTo("AE");
    assertThat(refused.getParameter("transaction")).isNull();

    // operators only
    String hospital = clients().tokenFor("dry-run-hospital", java.util.Map.of("role", "hospital", "institution", "HOSP_DRY"));
    HttpResponse<String> forbidden = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/hl7v2/dry-run"))
        .header("Authorization", "Bearer " + hospital)
        .POST(HttpRequest.BodyPublishers.ofString(message)).build());
    assertThat(forbidden.statusCode()).isEqualTo(403);
  }

  @Test
  void aDftPostsChargesOnTheAccountAndAReplayPostsNothingTwice() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1975, 3, 3));
    String visit = "V" + controlId();
    String mrn = "MRN" + controlId();
    String account = "ACC" + controlId();
    assertThat(msa1(sendMllp(adt("A04", "HOSP_B", controlId(), card, mrn, visit, "钱", "二", "19750303", "M"))))
        .isEqualTo("AA");
    String patient = pid(card, mrn, "HOSP_B", "钱", "二", "19750303", "M") + "|||||||" + account + "^^^^AN";
    String dft = message(msh("HOSP_B", "DFT^P03^DFT_P03", controlId(), "2.5.1", "UNICODE UTF-8"),
        "EVN|P03|20261126170000+0800", patient, "PV1|1|O|XNK||||||||||||||||" + visit,
        "FT1|1|T-" + account + "||20261126093000+0800||CG|310100001^一般诊疗费^L|||1|10.00&CNY",
        "FT1|2|||20261126100000+0800||CD|250101001^血常规^L|||1|22.75&CNY",
        "FT1|3|P-" + account + "||20261126170000+0800||PY|CASH^现金^L|||1|32.75&CNY");
    assertThat(msa1(sendMllp(dft))).isEqualTo("AA");
    String charges = "/ChargeItem?patient.identifier=" + token(CARD, card);
    Bundle posted = awaitAtLeast(charges, 2);
    assertThat(posted.getEntry()).hasSize(2);
    java.util.List<java.math.BigDecimal> amounts = posted.getEntry().stream()
        .map(e -> ((org.hl7.fhir.r4.model.ChargeItem) e.getResource()).getPriceOverride().getValue())
        .sorted().toList();
    assertThat(amounts).containsExactly(new java.math.BigDecimal("-22.75"), new java.math.BigDecimal("10.00"));
    Bundle accounts = search("/Account?identifier=" + token("https://hub.healthcard.cn/fhir/NamingSystem/HOSP_B/account", account));
    assertThat(accounts.getEntry()).hasSize(1);
    org.hl7.fhir.r4.model.ChargeItem first = (org.hl7.fhir.r4.model.ChargeItem) posted.getEntryFirstRep().getResource();
    assertThat(first.getAccountFirstRep().getReferenceElement().getIdPart())
        .isEqualTo(accounts.getEntryFirstRep().getResource().getIdElement().getIdPart());

    // the same message again (a sender's retry) is acknowledged and changes nothing
    assertThat(msa1(sendMllp(dft))).isEqualTo("AA");
    awaitInboxDrained();
    assertThat(search(charges).getEntry()).hasSize(2);

    // an amount finer than a fen is refused, naming the component
    String ae = sendMllp(dft.replace("10.00&CNY", "10.005&CNY").replaceFirst(
        "DFT\\^P03\\^DFT_P03\\|[^|]+\\|", "DFT^P03^DFT_P03|" + controlId() + "|"));
    assertThat(msa1(ae)).isEqualTo("AE");
    assertThat(field(ae, "ERR", 2)).isEqualTo("FT1^1^11^1^1");
  }

  @Test
  void aReferralLetsTheReceivingHospitalReadThePatientsRecord() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1958, 8, 8));
    String visit = "V" + controlId();
    String mrn = "MRN" + controlId();
    assertThat(msa1(sendMllp(adt("A01", "HOSP_B", controlId(), card, mrn, visit, "孙", "三", "19580808", "F"))))
        .isEqualTo("AA");
    String receiving = clients().tokenFor("referral-receiver",
        java.util.Map.of("role", "hospital", "institution", "HOSP_RECV"));
    String byCard = "/fhir/Patient?identifier=" + token(CARD, card);
    Bundle before = FHIR.newJsonParser().parseResource(Bundle.class, as(receiving, byCard).body());
    assertThat(before.getEntry()).isEmpty();

    String referral = "REF" + controlId();
    String ref = message(msh("HOSP_B", "REF^I12^REF_I12", controlId(), "2.5.1", "UNICODE UTF-8"),
        "RF1|P^pending^HL70283|R^routine^HL70280|Med^内科^HL70281|||" + referral + "^HIS|20261126150000+0800",
        "PRD|RT^Referred to Provider^HL70286|陈^静||^^^HOSP_RECV||||SY-0457",
        pid(card, mrn, "HOSP_B", "孙", "三", "19580808", "F"),
        "DG1|1||I63.9^脑梗死^I10||20261126074500+0800|F");
    assertThat(msa1(sendMllp(ref))).isEqualTo("AA");
    String referrals = "/ServiceRequest?identifier="
        + token("https://hub.healthcard.cn/fhir/NamingSystem/HOSP_B/HIS", referral);
    Bundle stored = awaitAtLeast(referrals, 1);
    assertThat(stored.getEntry()).hasSize(1);
    org.hl7.fhir.r4.model.ServiceRequest request = (org.hl7.fhir.r4.model.ServiceRequest) stored.getEntryFirstRep().getResource();
    assertThat(request.getStatus()).isEqualTo(org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus.ACTIVE);
    assertThat(request.getReasonReference()).hasSize(1);

    HttpResponse<String> after = as(receiving, byCard);
    assertThat(after.statusCode()).isEqualTo(200);
    assertThat(FHIR.newJsonParser().parseResource(Bundle.class, after.body()).getEntry()).hasSize(1);
    // a hospital no referral names still sees nothing
    String other = clients().tokenFor("referral-bystander", java.util.Map.of("role", "hospital", "institution", "HOSP_OTHER"));
    assertThat(FHIR.newJsonParser().parseResource(Bundle.class, as(other, byCard).body()).getEntry()).isEmpty();
  }

  @Test
  void aDispenseNamesItsPrescriptionAndAResultNamesItsSpecimen() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1988, 8, 18));
    String mrn = "MRN" + controlId();
    String order = "RX" + controlId();
    String patient = pid(card, mrn, "HOSP_B", "何", "五", "19880818", "M");
    String rde = message(msh("HOSP_B", "RDE^O11^RDE_O11", controlId(), "2.5", "UNICODE UTF-8"), patient,
        "ORC|NW|" + order + "^HIS|||||||20261126095500+0800",
        "RXE||86900123000012^阿莫西林胶囊^NMPA|0.5||g^g^UCUM|||||24|粒^粒^L|0",
        "RXR|PO^口服^HL70162");
    assertThat(msa1(sendMllp(rde))).isEqualTo("AA");
    String rds = message(msh("HOSP_B", "RDS^O13^RDS_O13", controlId(), "2.8", "UNICODE UTF-8"), patient,
        "ORC|RE|" + order + "^HIS",
        "RXD|1|86900123000012^阿莫西林胶囊^NMPA|20261126102500+0800|24|粒^粒^L||CF" + order);
    assertThat(msa1(sendMllp(rds))).isEqualTo("AA");
    Bundle dispenses = awaitAtLeast("/MedicationDispense?patient.identifier=" + token(CARD, card), 1);
    assertThat(dispenses.getEntry()).hasSize(1);
    Bundle requests = search("/MedicationRequest?patient.identifier=" + token(CARD, card));
    assertThat(requests.getEntry()).hasSize(1);
    org.hl7.fhir.r4.model.MedicationDispense dispense =
        (org.hl7.fhir.r4.model.MedicationDispense) dispenses.getEntryFirstRep().getResource();
    assertThat(dispense.getAuthorizingPrescriptionFirstRep().getReferenceElement().getIdPart())
        .isEqualTo(requests.getEntryFirstRep().getResource().getIdElement().getIdPart());
    assertThat(((org.hl7.fhir.r4.model.MedicationRequest) requests.getEntryFirstRep().getResource())
        .getDispenseRequest().getNumberOfRepeatsAllowed()).isZero();

    String specimen = "SP" + controlId();
    String oul = message(msh("HOSP_B", "OUL^R22^OUL_R22", controlId(), "2.5.1", "UNICODE UTF-8"), patient,
        "SPM|1|^" + specimen + "&LIS||BLD^全血^HL70487|||||||||||||20261126080000+0800",
        "OBR|1|P-" + specimen + "^HIS|F-" + specimen + "^LIS|CBC^血常规^L|||20261126080000+0800||||||||||||||||||F",
        "OBX|1|NM|718-7^Hemoglobin^LN||135|g/L^g/L^UCUM|130-175|N|||F");
    assertThat(msa1(sendMllp(oul))).isEqualTo("AA");
    Bundle observations = awaitAtLeast("/Observation?code=718-7&patient.identifier=" + token(CARD, card), 1);
    assertThat(observations.getEntry()).hasSize(1);
    org.hl7.fhir.r4.model.Observation hemoglobin =
        (org.hl7.fhir.r4.model.Observation) observations.getEntryFirstRep().getResource();
    Bundle specimens = search("/Specimen?identifier="
        + token("https://hub.healthcard.cn/fhir/NamingSystem/HOSP_B/LIS", specimen));
    assertThat(specimens.getEntry()).hasSize(1);
    assertThat(hemoglobin.getSpecimen().getReferenceElement().getIdPart())
        .isEqualTo(specimens.getEntryFirstRep().getResource().getIdElement().getIdPart());
  }

  private HttpResponse<String> as(String token, String path) {
    return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + token).GET().build());
  }
}
