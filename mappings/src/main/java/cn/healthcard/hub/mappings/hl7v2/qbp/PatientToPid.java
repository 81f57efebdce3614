package cn.healthcard.hub.mappings.hl7v2.qbp;

import cn.healthcard.hub.mappings.hl7v2.bundle.HubExtensions;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Patient.ContactComponent;
import org.hl7.fhir.r4.model.StringType;

/**
 * Patient to PID and its contacts to NK1 (the reverse of PidToPatient and Nk1ToContact): PID-3
 * identifiers (the health-card number with assigning authority {@code &2.16.156.10011.1.19&ISO}),
 * PID-5 names, PID-6 mother's maiden name, PID-7 birth date (with the birth time when known),
 * PID-8 sex (table 0001), PID-11 addresses, PID-13 home and mobile numbers, PID-14 work numbers,
 * PID-22 ethnic group (GB 3304), PID-29/30 death.
 */
final class PatientToPid {

  private PatientToPid() {}

  static String pid(Er7 w, FhirToV2 v, Patient p, int setId) {
    Er7.Segment pid = w.segment("PID").set(1, Integer.toString(setId));
    pid.set(3, w.reps(p.getIdentifier().stream().map(v::cx).toList()));
    pid.set(5, w.reps(p.getName().stream().map(v::xpn).toList()));
    Extension mmn = p.getExtensionByUrl(HubExtensions.MOTHERS_MAIDEN_NAME);
    if (mmn != null && mmn.getValue() instanceof StringType s) {
      pid.set(6, v.xpn(new HumanName().setFamily(s.getValue()).setUse(HumanName.NameUse.MAIDEN)));
    }
    if (p.hasBirthDateElement()) {
      Extension time = p.getBirthDateElement().getExtensionByUrl(HubExtensions.BIRTH_TIME);
      pid.set(7, time != null && time.getValue() instanceof DateTimeType dt ? v.ts(dt) : v.ts(p.getBirthDateElement()));
    }
    if (p.hasGender()) {
      pid.set(8, switch (p.getGender()) {
        case MALE -> "M";
        case FEMALE -> "F";
        case OTHER -> "O";
        default -> "U";
      });
    }
    pid.set(11, w.reps(p.getAddress().stream().map(v::xad).toList()));
    List<String> home = new ArrayList<>();
    List<String> work = new ArrayList<>();
    for (ContactPoint cp : p.getTelecom()) {
      (cp.getUse() == ContactPoint.ContactPointUse.WORK ? work : home).add(v.xtn(cp));
    }
    pid.set(13, w.reps(home));
    pid.set(14, w.reps(work));
    Extension ethnicity = p.getExtensionByUrl(HubExtensions.PATIENT_ETHNICITY);
    if (ethnicity != null && ethnicity.getValue() instanceof CodeableConcept cc) {
      pid.set(22, v.ce(cc.getCodingFirstRep()));
    }
    if (p.getDeceased() instanceof DateTimeType dt) {
      pid.set(29, v.ts(dt));
      pid.set(30, "Y");
    } else if (p.getDeceased() instanceof BooleanType b) {
      pid.set(30, b.booleanValue() ? "Y" : "N");
    }
    return pid.text();
  }

  static String nk1(Er7 w, FhirToV2 v, Patient p) {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (ContactComponent c : p.getContact()) {
      Er7.Segment nk1 = w.segment("NK1").set(1, Integer.toString(++n));
      nk1.set(2, v.xpn(c.getName()));
      if (!c.getRelationship().isEmpty()) {
        nk1.set(3, v.ce(c.getRelationshipFirstRep()));
      }
      nk1.set(4, v.xad(c.getAddress()));
      List<String> home = new ArrayList<>();
      List<String> work = new ArrayList<>();
      for (ContactPoint cp : c.getTelecom()) {
        (cp.getUse() == ContactPoint.ContactPointUse.WORK ? work : home).add(v.xtn(cp));
      }
      nk1.set(5, w.reps(home));
      nk1.set(6, w.reps(work));
      sb.append(nk1.text());
    }
    return sb.toString();
  }
}
