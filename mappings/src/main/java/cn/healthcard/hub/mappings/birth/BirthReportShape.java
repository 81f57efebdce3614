package cn.healthcard.hub.mappings.birth;

import cn.healthcard.hub.terminology.HubCodeSystems;

/**
 * The contract of a birth report: the standard-FHIR transaction a birth institution sends (and
 * the one the HL7 v2 ADT^A28/A04 mapping produces), one per child.
 *
 * <ul>
 *   <li><b>Patient</b> (the child): no resident ID number yet; identifiers from the birth
 *       institution (a temporary newborn number, and the birth-certificate number when issued,
 *       system {@link #BIRTH_CERTIFICATE_SYSTEM}); {@code gender}; {@code birthDate} carrying the
 *       {@link #BIRTH_TIME} extension (dateTime to the minute at least); {@code
 *       multipleBirthInteger} (1, 2... for twins and more; a singleton may give {@code
 *       multipleBirthBoolean=false} or nothing, which is order 1); {@code deceasedBoolean=true}
 *       or {@code deceasedDateTime} for a stillbirth; {@code managingOrganization} the birth
 *       institution.
 *   <li><b>RelatedPerson</b>: {@code patient} the child, {@code relationship} {@link
 *       #ROLE_CODE_SYSTEM}|{@link #MOTHER}; identifier the mother's health-card number (system
 *       {@code urn:oid:2.16.156.10011.1.19}) or, for a mother without one, another identifier
 *       (passport, the institution's own number).
 *   <li><b>Encounter</b> (the delivery): {@code subject} the child, {@code type} {@link
 *       #DELIVERY}, {@code period.start} the birth time, {@code serviceProvider} the birth
 *       institution.
 *   <li><b>Observation</b>s, {@code subject} the child, {@code encounter} the delivery, LOINC
 *       codes: {@link #BIRTH_WEIGHT} (g), {@link #BIRTH_LENGTH} (cm), {@link #GESTATIONAL_AGE}
 *       (wk), {@link #APGAR_1_MIN}, {@link #APGAR_5_MIN}, {@link #APGAR_10_MIN} ({score}).
 *   <li>Organization (the birth institution, identifier system {@link #INSTITUTION_SYSTEM}):
 *       optional in the transaction, conditional on its identifier.
 * </ul>
 *
 * The birth is identified by the mother's identifier, the birth time and the birth order: the
 * same three reported twice are the same child.
 */
public final class BirthReportShape {
  public static final String BIRTH_TIME = "http://hl7.org/fhir/StructureDefinition/patient-birthTime";
  public static final String ROLE_CODE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-RoleCode";
  public static final String MOTHER = "MTH";
  public static final String LOINC = "http://loinc.org";
  public static final String SNOMED = "http://snomed.info/sct";
  /** SNOMED CT 236973005 |Delivery procedure|. */
  public static final String DELIVERY = "236973005";
  public static final String BIRTH_WEIGHT = "8339-4";
  public static final String BIRTH_LENGTH = "89269-5";
  public static final String GESTATIONAL_AGE = "76516-4";
  public static final String APGAR_1_MIN = "9272-6";
  public static final String APGAR_5_MIN = "9274-2";
  public static final String APGAR_10_MIN = "9271-8";
  public static final String HEALTH_CARD_SYSTEM = "urn:oid:2.16.156.10011.1.19";
  /** The birth medical certificate (出生医学证明) number: household registration quotes it. */
  public static final String BIRTH_CERTIFICATE_SYSTEM = HubCodeSystems.BASE + "/NamingSystem/birth-certificate";
  /** The identifier the hub gives each birth (a random UUID, never derived from a person's data). */
  public static final String BIRTH_SYSTEM = HubCodeSystems.BASE + "/NamingSystem/birth";
  /** The card platform's institution ids (the birth institution applies for the child's card). */
  public static final String INSTITUTION_SYSTEM = HubCodeSystems.BASE + "/NamingSystem/card-institution";

  private BirthReportShape() {}
}
