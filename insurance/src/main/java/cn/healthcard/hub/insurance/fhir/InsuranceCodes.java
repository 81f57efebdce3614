package cn.healthcard.hub.insurance.fhir;

import cn.healthcard.hub.terminology.HubCodeSystems;

/** The URLs of the insurance's own code systems, naming systems and extensions. */
public final class InsuranceCodes {
  private InsuranceCodes() {}

  /** National medical insurance catalogue codes of billed items (drugs, services, materials). */
  public static final String CATALOGUE = HubCodeSystems.BASE + "/CodeSystem/nhsa-catalogue";
  /** The catalogue's payment class of an item: A, B, C (Claim.item.category). */
  public static final String ITEM_CLASS = HubCodeSystems.BASE + "/CodeSystem/insurance-item-class";
  /** Schemes by product code (InsurancePlan.identifier, the insurer's identifier on claims). */
  public static final String SCHEME = HubCodeSystems.BASE + "/NamingSystem/insurance-scheme";
  /** Enrolments (Coverage.identifier). */
  public static final String ENROLMENT = HubCodeSystems.BASE + "/NamingSystem/insurance-enrolment";
  /** Premiums (Invoice.identifier). */
  public static final String PREMIUM = HubCodeSystems.BASE + "/NamingSystem/insurance-premium";
  /** The hub's settled claims (ClaimResponse/EOB identifier). */
  public static final String SETTLEMENT = HubCodeSystems.BASE + "/NamingSystem/insurance-settlement";
  /** A hospital's own claim numbers, per institution: system + "/" + institution. */
  public static final String HOSPITAL_CLAIM = HubCodeSystems.BASE + "/NamingSystem/hospital-claim";
  /** Adjudication categories FHIR's code system lacks (the patient's share). */
  public static final String ADJUDICATION_CATEGORY = HubCodeSystems.BASE + "/CodeSystem/adjudication-category";
  /** FHIR's adjudication categories. */
  public static final String FHIR_ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication";
  /** On an adjudicated item: a rule of the scheme that applied ({@code 210124/2026/v1#annualCapFen}). */
  public static final String RULE_EXTENSION = HubCodeSystems.BASE + "/StructureDefinition/adjudication-rule";
  /** Task.code of a fund-supervision review. */
  public static final String TASK_CODE = HubCodeSystems.BASE + "/CodeSystem/insurance-task";
  /** Scheme type (Coverage.type, InsurancePlan.type): the rural/resident basic medical insurance. */
  public static final String SCHEME_TYPE = HubCodeSystems.BASE + "/CodeSystem/insurance-scheme-type";
  /** Benefit types of an eligibility answer. */
  public static final String BENEFIT_TYPE = HubCodeSystems.BASE + "/CodeSystem/insurance-benefit";
}
