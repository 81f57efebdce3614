package cn.healthcard.hub.security.fhir;

import java.util.Set;

/** Resource types grouped by who may touch them. */
public final class ResourceGroups {
  private ResourceGroups() {}

  /** Code systems and the like: every authenticated client reads them. */
  public static final Set<String> TERMINOLOGY = Set.of(
      "CodeSystem", "ValueSet", "ConceptMap", "NamingSystem", "StructureDefinition",
      "SearchParameter", "OperationDefinition", "CapabilityStatement", "CompartmentDefinition",
      "ImplementationGuide", "StructureMap");

  /** Terminology operations every authenticated client may call. */
  public static final Set<String> TERMINOLOGY_OPERATIONS = Set.of(
      "$lookup", "$validate-code", "$expand", "$translate", "$subsumes");

  /**
   * Written only by the hub itself: its audit trail, its search parameters and code systems,
   * subscriptions. No client's rule allows writing them.
   */
  public static final Set<String> HUB_OWNED = Set.of(
      "AuditEvent", "Subscription", "CodeSystem", "ValueSet", "ConceptMap", "NamingSystem",
      "StructureDefinition", "SearchParameter", "OperationDefinition", "CapabilityStatement",
      "CompartmentDefinition", "ImplementationGuide", "StructureMap", "Consent", "PaymentReconciliation",
      "PaymentNotice");

  /**
   * The insurance's records: schemes, coverage, premiums, claims and their settlement, supervision
   * findings. Not hub-owned: hospitals also send other payers' claims and explanations of benefit
   * (Synthea's records carry them); the scheme's own carry its settlement identifier.
   */
  public static final Set<String> INSURANCE = Set.of(
      "InsurancePlan", "Coverage", "Invoice", "Claim", "ClaimResponse", "ExplanationOfBenefit", "DetectedIssue",
      "Group", "Patient");

  /**
   * The hub's own money: channel reconciliations and bank statements of its accounts, about every
   * institution at once. Only operators read them.
   */
  public static final Set<String> FINANCE = Set.of("PaymentReconciliation");

  /**
   * What public health reads (immunization, adverse events, maternal and child health, chronic
   * care), and the Patient they are about; limited to the agency's division.
   */
  public static final Set<String> PUBLIC_HEALTH = Set.of(
      "Patient", "Immunization", "ImmunizationRecommendation", "AdverseEvent", "Observation",
      "Condition", "CarePlan", "Encounter", "EpisodeOfCare", "RelatedPerson", "Group",
      "MeasureReport");

  /** Directory data about no one in particular: every clinical role may read it. */
  public static final Set<String> DIRECTORY = Set.of(
      "Organization", "Practitioner", "PractitionerRole", "Location", "HealthcareService",
      "Medication", "Endpoint");
}
