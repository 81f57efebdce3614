package cn.healthcard.hub.server.births;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.crypto.sm.Sm2;
import cn.healthcard.hub.mappings.birth.BirthReportShape;
import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.IdentityNumbers;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyPair;
import java.time.LocalDate;
import java.util.UUID;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;

/** Helpers for birth tests: a birth report as a birth institution sends it, institutions. */
abstract class BirthsIntegrationTest extends HubIntegrationTest {

  /** One child of a birth report. */
  record Child(String certificate, String birthTime, int order, AdministrativeGender gender, boolean stillborn,
      String weightGrams) {
    static Child of(String birthTime) {
      return new Child("P" + UUID.randomUUID().toString().substring(0, 9), birthTime, 1, AdministrativeGender.FEMALE,
          false, "3250");
    }

    Child order(int order) {
      return new Child("P" + UUID.randomUUID().toString().substring(0, 9), birthTime, order, gender, stillborn, weightGrams);
    }

    Child asStillbirth() {
      return new Child(certificate, birthTime, order, gender, true, weightGrams);
    }

    Child weighing(String grams) {
      return new Child(certificate, birthTime, order, gender, stillborn, grams);
    }

    Child gender(AdministrativeGender g) {
      return new Child(certificate, birthTime, order, g, stillborn, weightGrams);
    }
  }

  /** A birth report transaction: for each child, Patient, RelatedPerson MTH, delivery Encounter, Observations. */
  static Bundle birthReport(Identifier mother, String institution, boolean multiple, Child... children) {
    Bundle bundle = new Bundle().setType(Bundle.BundleType.TRANSACTION);
    for (Child c : children) {
      String childUrl = "urn:uuid:" + UUID.randomUUID();
      String deliveryUrl = "urn:uuid:" + UUID.randomUUID();
      Patient child = new Patient();
      child.addIdentifier().setSystem("https://hub.healthcard.cn/fhir/NamingSystem/maternity-21/newborn")
          .setValue("NB" + UUID.randomUUID().toString().substring(0, 8));
      child.addIdentifier().setSystem(BirthReportShape.BIRTH_CERTIFICATE_SYSTEM).setValue(c.certificate());
      child.addName(new HumanName().setText("张小宝"));
      child.setGender(c.gender());
      DateType birthDate = new DateType(c.birthTime().substring(0, 10));
      birthDate.addExtension(BirthReportShape.BIRTH_TIME, new DateTimeType(c.birthTime()));
      child.setBirthDateElement(birthDate);
      child.setMultipleBirth(multiple ? new IntegerType(c.order()) : new BooleanType(false));
      if (c.stillborn()) {
        child.setDeceased(new BooleanType(true));
      }
      if (institution != null) {
        child.setManagingOrganization(new Reference().setIdentifier(
            new Identifier().setSystem(BirthReportShape.INSTITUTION_SYSTEM).setValue(institution)));
      }
      add(bundle, childUrl, child);

      RelatedPerson mth = new RelatedPerson();
      mth.setPatient(new Reference(childUrl));
      mth.addRelationship(new CodeableConcept(new Coding(BirthReportShape.ROLE_CODE_SYSTEM, BirthReportShape.MOTHER, "mother")));
      mth.addIdentifier(mother.copy());
      mth.addName(new HumanName().setText("李梅"));
      add(bundle, "urn:uuid:" + UUID.randomUUID(), mth);

      Encounter delivery = new Encounter();
      delivery.setStatus(Encounter.EncounterStatus.FINISHED);
      delivery.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "IMP", "inpatient encounter"));
      delivery.addType(new CodeableConcept(new Coding(BirthReportShape.SNOMED, BirthReportShape.DELIVERY, "Delivery procedure")));
      delivery.setSubject(new Reference(childUrl));
      delivery.getPeriod().setStartElement(new DateTimeType(c.birthTime()));
      add(bundle, deliveryUrl, delivery);

      add(bundle, "urn:uuid:" + UUID.randomUUID(), measurement(childUrl, deliveryUrl, BirthReportShape.BIRTH_WEIGHT,
          "Birth weight Measured", c.weightGrams(), "g", c.birthTime()));
      add(bundle, "urn:uuid:" + UUID.randomUUID(), measurement(childUrl, deliveryUrl, BirthReportShape.BIRTH_LENGTH,
          "Body height at birth", "50", "cm", c.birthTime()));
      add(bundle, "urn:uuid:" + UUID.randomUUID(), measurement(childUrl, deliveryUrl, BirthReportShape.GESTATIONAL_AGE,
          "Gestational age at birth", "39", "wk", c.birthTime()));
      add(bundle, "urn:uuid:" + UUID.randomUUID(), measurement(childUrl, deliveryUrl, BirthReportShape.APGAR_1_MIN,
          "1 minute Apgar Score", "9", "{score}", c.birthTime()));
    }
    return bundle;
  }

  private static Observation measurement(String child, String delivery, String loinc, String display, String value,
      String unit, String time) {
    Observation o = new Observation();
    o.setStatus(Observation.ObservationStatus.FINAL);
    o.setCode(new CodeableConcept(new Coding(BirthReportShape.LOINC, loinc, display)));
    o.setSubject(new Reference(child));
    o.setEncounter(new Reference(delivery));
    o.setEffective(new DateTimeType(time));
    o.setValue(new Quantity().setValue(new BigDecimal(value)).setUnit(unit).setSystem("http://unitsofmeasure.org").setCode(unit));
    return o;
  }

  private static void add(Bundle bundle, String fullUrl, org.hl7.fhir.r4.model.Resource resource) {
    bundle.addEntry().setFullUrl(fullUrl).setResource(resource).getRequest()
        .setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType());
  }

  static Identifier card(String number) {
    return new Identifier().setSystem(CARD).setValue(number);
  }

  static String motherNumber() {
    return IdentityNumbers.next(LocalDate.of(1994, 3, 8), true);
  }

  HttpResponse<String> transaction(Bundle bundle) {
    return post("", "application/fhir+json", FHIR.newJsonParser().encodeResourceToString(bundle));
  }

  String registerInstitution(String kind, KeyPair key) {
    String id = kind + "-" + UUID.randomUUID().toString().substring(0, 8);
    String body = "{\"kind\":\"" + kind + "\",\"name\":\"Test " + kind + "\",\"division\":\"210102\""
        + (key == null ? "" : ",\"publicKey\":\"" + Sm2.encodePublicKey(key.getPublic()) + "\"") + "}";
    HttpResponse<String> response = send(
        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/admin/cards/institutions/" + id))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(body))
            .build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return id;
  }

  Bundle search(String query) {
    HttpResponse<String> response = get("/" + query.replace("|", "%7C"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Bundle.class, response.body());
  }

  Patient patientWithCertificate(String certificate) {
    Bundle found = search("Patient?identifier=" + BirthReportShape.BIRTH_CERTIFICATE_SYSTEM + "|" + certificate);
    assertThat(found.getEntry()).hasSize(1);
    return (Patient) found.getEntryFirstRep().getResource();
  }

  /**
   * The card side of a birth once it has left {@code pending} (or still pending after a while):
   * the background pass may have looked at the birth before its transaction committed and put
   * it off for a moment.
   */
  static BirthRegistrations.CardSide cardSide(ChildCardApplications applications, BirthRegistrations registrations,
      Patient child) {
    java.util.UUID birth = java.util.UUID.fromString(birthId(child));
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(8).toNanos();
    while (true) {
      applications.drainOnce();
      BirthRegistrations.CardSide side = registrations.cardSide(birth).orElseThrow();
      if (!"pending".equals(side.state()) || System.nanoTime() > deadline) {
        return side;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return side;
      }
    }
  }

  static String birthId(Patient child) {
    return child.getIdentifier().stream().filter(i -> BirthReportShape.BIRTH_SYSTEM.equals(i.getSystem()))
        .map(Identifier::getValue).findFirst().orElseThrow();
  }
}
