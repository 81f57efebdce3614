package cn.healthcard.hub.terminology;

/**
 * Canonical URLs of the code systems the hub ships and of the external ones it maps to. The
 * hub's own URLs resolve under {@link #BASE}, where the FHIR server serves them.
 */
public final class HubCodeSystems {

  public static final String BASE = "https://hub.healthcard.cn/fhir";

  /** GB/T 2261.1-2003 sex. */
  public static final String SEX = BASE + "/CodeSystem/gbt2261-1";
  /** GB/T 2260 administrative divisions: province (2 digits), city (4), county (6). */
  public static final String DIVISION = BASE + "/CodeSystem/gbt2260";
  /** The extension on an Address carrying its division code (valueCoding in {@link #DIVISION}). */
  public static final String ADDRESS_DIVISION_EXTENSION = BASE + "/StructureDefinition/address-division";
  /** GB/T 3304-1991 ethnic groups, numeric codes. */
  public static final String ETHNICITY = BASE + "/CodeSystem/gb3304";
  /** GB/T 3304-1991 ethnic groups, two-letter codes. */
  public static final String ETHNICITY_LETTER = BASE + "/CodeSystem/gb3304-letter";
  /** GB/T 4761-2008 family relationship. */
  public static final String FAMILY_RELATIONSHIP = BASE + "/CodeSystem/gbt4761";
  /** WS 364.3 CV02.01.101 identity-document type. */
  public static final String ID_DOCUMENT_TYPE = BASE + "/CodeSystem/cv02-01-101";
  /** The hub's resident health-card status. */
  public static final String CARD_STATUS = BASE + "/CodeSystem/health-card-status";
  /** Vaccines of the national immunization programme. */
  public static final String NIP_VACCINE = BASE + "/CodeSystem/nip-vaccine";

  /** The unified payment platform's payment ids ({@code P} and 24 hex digits). */
  public static final String PAYMENT = BASE + "/NamingSystem/payment";
  /** Its refund ids ({@code R} and 24 hex digits). */
  public static final String PAYMENT_REFUND = BASE + "/NamingSystem/payment-refund";

  /** Institutions (hospitals, clinics, issuers) by their code on the card platform. */
  public static final String INSTITUTION = BASE + "/institution";
  /** On a PaymentNotice: the patient who paid (PaymentNotice has no element for it). */
  public static final String PAYMENT_NOTICE_PATIENT = BASE + "/StructureDefinition/payment-notice-patient";

  public static final String ADMINISTRATIVE_GENDER = "http://hl7.org/fhir/administrative-gender";
  public static final String V2_0001 = "http://terminology.hl7.org/CodeSystem/v2-0001";
  public static final String V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203";
  public static final String CVX = "http://hl7.org/fhir/sid/cvx";
  public static final String ICD10 = "http://hl7.org/fhir/sid/icd-10";

  /**
   * Extension on a Coding the hub could not validate (unknown system or code): the coding is kept
   * exactly as sent and this extension says why it was not validated.
   */
  public static final String NOT_VALIDATED_EXTENSION =
      BASE + "/StructureDefinition/coding-not-validated";

  private HubCodeSystems() {}
}
