package cn.healthcard.hub.mappings.hl7v2.bundle;

import cn.healthcard.hub.terminology.HubCodeSystems;

/** Extension URLs the HL7 v2 mapping writes (the hub's own, and the core FHIR ones it uses). */
public final class HubExtensions {

  private static final String SD = HubCodeSystems.BASE + "/StructureDefinition/";

  /**
   * valueDateTime on every DomainResource a message produces: when the source system recorded
   * the event (EVN-2, else MSH-7). The server must not let a message with an older value
   * overwrite a resource that carries a newer one.
   */
  public static final String SOURCE_EVENT_TIME = SD + "source-event-time";

  /**
   * valueCodeableConcept on Patient: the sex as sent (HL7 table 0001 or GB/T 2261.1) plus its
   * translation into the other system, so {@code Patient.gender} loses nothing.
   */
  public static final String PATIENT_SEX = SD + "patient-sex";

  /** valueCodeableConcept on Patient: ethnic group (PID-22), GB 3304 numeric and letter codes. */
  public static final String PATIENT_ETHNICITY = SD + "patient-ethnicity";

  /**
   * valueCoding on Address: the current GB/T 2260 division (in {@link HubCodeSystems#DIVISION})
   * the address's 6-digit code (XAD-9) resolves to: the county itself, the county that replaced
   * a retired code, else its city or province.
   */
  public static final String ADDRESS_DIVISION = HubCodeSystems.ADDRESS_DIVISION_EXTENSION;

  /**
   * valueString on Address, only when XAD-9 is not a current county code: the code as sent
   * (a retired code, or one that does not resolve at all).
   */
  public static final String ADDRESS_DIVISION_AS_SENT = SD + "address-division-as-sent";

  /**
   * valueReference on Patient, an instruction to the server rather than data (ADT^A37): remove
   * this Patient's link to the referenced Patient. The server applies it and never stores it.
   */
  public static final String UNLINK = SD + "unlink";

  public static final String MOTHERS_MAIDEN_NAME =
      "http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName";
  public static final String BIRTH_TIME = "http://hl7.org/fhir/StructureDefinition/patient-birthTime";

  private HubExtensions() {}
}
