package cn.healthcard.hub.security.fhir;

import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.server.interceptor.auth.AuthorizationInterceptor;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.PolicyEnum;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.SmartScopes;
import cn.healthcard.hub.security.SmartScopes.Interaction;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.IdType;

/**
 * What each role may do on the FHIR endpoint, as HAPI authorization rules: which interactions and
 * operations, on which resource types. Which patients' data a caller sees is decided per
 * resource by {@link HubConsentService} (treatment relationship, division, own record,
 * restricted categories, break-glass). A caller holding several roles gets the union. Anything
 * not allowed here is 403; no one writes the hub's own resources (audit trail, terminology,
 * search parameters). Work the hub does by itself is not checked.
 */
@Interceptor
public class HubAuthorizationRules extends AuthorizationInterceptor {

  /** Operations a hospital system calls on the records it keeps. */
  static final List<String> HOSPITAL_OPERATIONS = List.of(
      "$everything", "$merge", "$hapi.fhir.undo-merge", "$transfer-out", "$cancel-record",
      "$enrol-chronic-care", "$follow-ups-due", "$immunization-forecast", "$validate",
      "$card-status", "$create-payment", "$payment-status", "$close-payment",
      "$refund-payment", "$ihe-pix", "$match", "$check", "$submit");

  /** The card platform's operations for issuers. */
  static final List<String> CARD_ISSUER_OPERATIONS = List.of(
      "$issue-card", "$card-event", "$card-status", "$verify-card", "$complete-child-card",
      "$card-production-file", "$card-production-result");

  /** The rules depend on the caller only: built once per caller, not once per request. */
  private final com.github.benmanes.caffeine.cache.Cache<Caller, List<IAuthRule>> built =
      com.github.benmanes.caffeine.cache.Caffeine.newBuilder()
          .maximumSize(10_000)
          .expireAfterAccess(java.time.Duration.ofMinutes(10))
          .build();

  public HubAuthorizationRules() {
    super(PolicyEnum.DENY);
  }

  @Override
  public List<IAuthRule> buildRuleList(RequestDetails request) {
    Optional<Caller> found = RequestCallers.of(request);
    if (found.isEmpty()) {
      // the hub's own work (start-up, workers, projections): not a client's request
      return new RuleBuilder().allowAll("hub").build();
    }
    return built.get(found.get(), HubAuthorizationRules::rulesFor);
  }

  static List<IAuthRule> rulesFor(Caller caller) {
    RuleBuilder rules = new RuleBuilder();
    for (String type : ResourceGroups.HUB_OWNED) {
      rules.deny("hub-owned").write().resourcesOfType(type).withAnyId();
      rules.deny("hub-owned").create().resourcesOfType(type).withAnyId();
      rules.deny("hub-owned").delete().resourcesOfType(type).withAnyId();
    }
    if (!caller.has(Role.OPERATOR)) {
      // who looked at what is for operators; residents see their own through $access-log
      rules.deny("audit trail").read().resourcesOfType("AuditEvent").withAnyId();
      for (String type : ResourceGroups.FINANCE) {
        rules.deny("finance").read().resourcesOfType(type).withAnyId();
      }
    }
    rules.allow("metadata").metadata();
    for (String type : ResourceGroups.TERMINOLOGY) {
      rules.allow("terminology").read().resourcesOfType(type).withAnyId();
    }
    for (String operation : ResourceGroups.TERMINOLOGY_OPERATIONS) {
      rules.allow("terminology").operation().named(operation).onAnyType().andAllowAllResponses();
      rules.allow("terminology").operation().named(operation).onAnyInstance().andAllowAllResponses();
    }
    if (caller.breakingGlass()) {
      // emergency access: everything readable, recorded with its reason in the audit trail
      rules.allow("break-glass").read().allResources().withAnyId();
      rules.allow("break-glass").operation().named("$everything").onAnyType().andAllowAllResponses();
      rules.allow("break-glass").operation().named("$everything").onInstancesOfType(
          org.hl7.fhir.r4.model.Patient.class).andAllowAllResponses();
      rules.allow("break-glass").operation().named("$immunization-forecast").onAnyType().andAllowAllResponses();
      rules.allow("break-glass").operation().named("$immunization-forecast").onAnyInstance().andAllowAllResponses();
    }
    for (Role role : caller.roles()) {
      switch (role) {
        case HOSPITAL -> hospital(rules, caller);
        case CLINICIAN -> clinician(rules, caller);
        case PUBLIC_HEALTH -> publicHealth(rules, caller);
        case CARD_ISSUER -> cardIssuer(rules);
        case RESIDENT -> resident(rules, caller);
        case OPERATOR -> operator(rules);
        case PEER_HUB -> peerHub(rules);
        case INSURER -> insurer(rules);
        case PAYMENT_CHANNEL -> { }
      }
    }
    rules.denyAll("not allowed for this client");
    return rules.build();
  }

  private static void hospital(RuleBuilder rules, Caller caller) {
    Set<String> scopes = caller.scopes();
    if (SmartScopes.permits(scopes, "*", Interaction.CREATE)) {
      rules.allow("hospital").create().allResources().withAnyId();
      rules.allow("hospital").createConditional().allResources();
    }
    if (SmartScopes.permits(scopes, "*", Interaction.UPDATE)) {
      rules.allow("hospital").write().allResources().withAnyId();
      rules.allow("hospital").updateConditional().allResources();
      rules.allow("hospital").patch().allRequests();
    }
    if (SmartScopes.permits(scopes, "*", Interaction.DELETE)) {
      // RecordChangeGuard: only records of patients the institution treats
      rules.allow("hospital").delete().allResources().withAnyId();
    }
    rules.allow("hospital").transaction().withAnyOperation().andApplyNormalRules();
    readAll(rules, "hospital");
    for (String operation : HOSPITAL_OPERATIONS) {
      operationEverywhere(rules, "hospital", operation);
    }
  }

  private static void clinician(RuleBuilder rules, Caller caller) {
    readAll(rules, "clinician");
    operationEverywhere(rules, "clinician", "$everything");
    operationEverywhere(rules, "clinician", "$immunization-forecast");
    operationEverywhere(rules, "clinician", "$ihe-pix");
    operationEverywhere(rules, "clinician", "$match");
  }

  /**
   * Another province's hub: finding a person (PIXm, PDQm's search and {@code $match}: demographics
   * of anyone) and a person's record for a federated read ({@code $everything} on their Patient);
   * audited and shown in the person's access log, the person's restrictions honoured.
   */
  private static void peerHub(RuleBuilder rules) {
    rules.allow("peer-hub").read().resourcesOfType("Patient").withAnyId();
    // a federated read: the person's record, for the asking hub's clinician (audited here too)
    rules.allow("peer-hub").operation().named("$everything").onInstancesOfType(org.hl7.fhir.r4.model.Patient.class)
        .andAllowAllResponses();
    operationEverywhere(rules, "peer-hub", "$ihe-pix");
    operationEverywhere(rules, "peer-hub", "$match");
  }

  private static void publicHealth(RuleBuilder rules, Caller caller) {
    for (String type : ResourceGroups.PUBLIC_HEALTH) {
      rules.allow("public-health").read().resourcesOfType(type).withAnyId();
    }
    for (String type : ResourceGroups.DIRECTORY) {
      rules.allow("public-health").read().resourcesOfType(type).withAnyId();
    }
    operationEverywhere(rules, "public-health", "$coverage");
    operationEverywhere(rules, "public-health", "$immunization-forecast");
    operationEverywhere(rules, "public-health", "$card-statistics");
    if (caller.division() == null) {
      // bulk export is not narrowed to a division yet: only a province-wide agency may export
      rules.allow("public-health").bulkExport().any();
      operationEverywhere(rules, "public-health", "$export");
      operationEverywhere(rules, "public-health", "$export-poll-status");
      // bulk export writes its files as Binary resources
      rules.allow("public-health").read().resourcesOfType("Binary").withAnyId();
    }
  }

  /**
   * An insurance office: the insurance records (narrowed to its division's residents by {@link
   * HubConsentService}), its review tasks, enrolment, premiums and the review of findings (the
   * operations check the division).
   */
  private static void insurer(RuleBuilder rules) {
    for (String type : ResourceGroups.INSURANCE) {
      rules.allow("insurer").read().resourcesOfType(type).withAnyId();
    }
    rules.allow("insurer").read().resourcesOfType("Task").withAnyId();
    for (String operation : INSURER_OPERATIONS) {
      operationEverywhere(rules, "insurer", operation);
    }
  }

  /** The insurance offices' operations (operators may call them too). */
  static final List<String> INSURER_OPERATIONS = List.of("$enrol", "$record-premium", "$review-finding");

  private static void cardIssuer(RuleBuilder rules) {
    for (String operation : CARD_ISSUER_OPERATIONS) {
      operationEverywhere(rules, "card-issuer", operation);
    }
  }

  private static void resident(RuleBuilder rules, Caller caller) {
    IdType self = new IdType("Patient", caller.patient());
    rules.allow("resident").read().allResources().inCompartment("Patient", self);
    // not in the Patient compartment: HubConsentService lets a resident see their own
    rules.allow("resident").read().resourcesOfType("PaymentNotice").withAnyId();
    rules.allow("resident").operation().named("$everything").onInstance(self).andAllowAllResponses();
    rules.allow("resident").operation().named("$immunization-forecast").onInstance(self).andAllowAllResponses();
    for (String operation : List.of("$access-log", "$restrict-access", "$lift-restriction", "$restrictions")) {
      operationEverywhere(rules, "resident", operation);
    }
  }

  private static void operator(RuleBuilder rules) {
    rules.allow("operator").read().resourcesOfType("AuditEvent").withAnyId();
    for (String operation : List.of("$verify-chain", "$access-log", "$restrict-access", "$lift-restriction",
        "$restrictions", "$review",
        "$card-production-batch", "$card-statistics", "$card-status", "$card-event", "$reconcile-payments",
        "$ihe-pix", "$match")) {
      operationEverywhere(rules, "operator", operation);
    }
    for (String operation : INSURER_OPERATIONS) {
      operationEverywhere(rules, "operator", operation);
    }
    for (String type : ResourceGroups.DIRECTORY) {
      rules.allow("operator").read().resourcesOfType(type).withAnyId();
    }
    rules.allow("operator").read().resourcesOfType("Task").withAnyId();
    for (String type : ResourceGroups.INSURANCE) {
      rules.allow("operator").read().resourcesOfType(type).withAnyId();
    }
    for (String type : ResourceGroups.FINANCE) {
      rules.allow("operator").read().resourcesOfType(type).withAnyId();
    }
    rules.allow("operator").read().resourcesOfType("PaymentNotice").withAnyId();
  }

  private static void readAll(RuleBuilder rules, String name) {
    rules.allow(name).read().allResources().withAnyId();
  }

  private static void operationEverywhere(RuleBuilder rules, String name, String operation) {
    rules.allow(name).operation().named(operation).onServer().andAllowAllResponses();
    rules.allow(name).operation().named(operation).onAnyType().andAllowAllResponses();
    rules.allow(name).operation().named(operation).onAnyInstance().andAllowAllResponses();
  }
}
