package cn.healthcard.hub.mappings.hl7v2.ref;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.EI;
import ca.uhn.hl7v2.model.v251.datatype.HD;
import ca.uhn.hl7v2.model.v251.datatype.PLN;
import ca.uhn.hl7v2.model.v251.datatype.XPN;
import ca.uhn.hl7v2.model.v251.segment.PRD;
import ca.uhn.hl7v2.model.v251.segment.RF1;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Names;
import cn.healthcard.hub.mappings.hl7v2.datatype.Sender;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.DiagnosisToCondition;
import cn.healthcard.hub.mappings.hl7v2.segment.ReferencedPatient;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ServiceRequest;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestIntent;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestPriority;
import org.hl7.fhir.r4.model.ServiceRequest.ServiceRequestStatus;

/**
 * Referrals between institutions, REF^I12 (new), I13 (modify), I14 (cancel) and I15 (status
 * request), to a ServiceRequest of category referral (SNOMED CT 3457005):
 *
 * <ul>
 *   <li>RF1-6 originating referral identifier (required) -> the key, type PLAC, in its EI-2
 *       namespace or the sender's {@code referral} namespace; RF1-11 external identifiers added;
 *   <li>status: I14 -> revoked; else RF1-1 (table 0283) A accepted / P pending -> active,
 *       R rejected / E expired -> revoked; I15 refers to the referral (created when unknown) and
 *       changes nothing;
 *   <li>RF1-2 priority (S stat, A asap, R routine); RF1-3 referral type -> {@code code}; RF1-7
 *       effective date -> {@code authoredOn}; RF1-10 -> {@code reasonCode}; DG1 -> Conditions
 *       of the referral, its {@code reasonReference};
 *   <li>PRD (table 0286 role in PRD-1): RP referring provider -> {@code requester} (else the
 *       sending hospital); RT referred-to provider -> a {@code performer} Practitioner (PRD-2
 *       name, PRD-7 id) and the referred-to institution (PRD-4.4 facility) as a performer
 *       Organization whose reference also carries its facility identifier. That identifier is what
 *       gives the receiving institution's clinicians the treatment relationship to read the
 *       patient's record.
 * </ul>
 */
public final class ReferralToFhir {
  /** SNOMED CT 3457005 |Patient referral|. */
  public static final String REFERRAL_CATEGORY_SYSTEM = "http://snomed.info/sct";
  public static final String REFERRAL_CATEGORY_CODE = "3457005";

  private ReferralToFhir() {}

  public static Optional<String> map(MappingContext ctx, String organizationUrl) {
    Optional<SegmentRef> rf1Ref = ctx.message().first("RF1");
    if (rf1Ref.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("RF1", 1), "a REF message needs an RF1 segment");
      return Optional.empty();
    }
    RF1 rf1 = rf1Ref.get().as(RF1.class);
    if (s(rf1.getRf16_OriginatingReferralIdentifier().getEi1_EntityIdentifier()).isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, rf1Ref.get().at(6),
          "RF1-6 (originating referral identifier) is required to identify the referral");
      return Optional.empty();
    }
    Optional<ReferencedPatient.Refs> refs = ReferencedPatient.add(ctx, organizationUrl);
    if (refs.isEmpty()) {
      return Optional.empty();
    }
    String patientUrl = refs.get().patientUrl();
    ServiceRequest referral = ctx.stamp(new ServiceRequest());
    Identifier key = Identifiers.fromEi(ctx, rf1.getRf16_OriginatingReferralIdentifier(),
        ctx.sender().namespace("referral"));
    Identifiers.type(ctx, "PLAC", key);
    referral.addIdentifier(key);
    for (EI external : rf1.getRf111_ExternalReferralIdentifier()) {
      if (!s(external.getEi1_EntityIdentifier()).isEmpty()) {
        referral.addIdentifier(Identifiers.fromEi(ctx, external, ctx.sender().namespace("external-referral")));
      }
    }
    String trigger = ctx.triggerEvent();
    String statusCode = s(rf1.getRf11_ReferralStatus().getCe1_Identifier());
    ServiceRequestStatus status = switch (statusCode) {
      case "", "A", "P" -> ServiceRequestStatus.ACTIVE;
      case "R", "E" -> ServiceRequestStatus.REVOKED;
      default -> null;
    };
    if (status == null) {
      ctx.error(ErrorCode.TABLE_VALUE_NOT_FOUND, rf1Ref.get().at(1), "RF1-1 must be A, P, R or E (HL7 table 0283)");
      return Optional.empty();
    }
    referral.setStatus("I14".equals(trigger) ? ServiceRequestStatus.REVOKED : status);
    referral.setIntent(ServiceRequestIntent.ORDER);
    referral.addCategory(new CodeableConcept().addCoding(
        new Coding(REFERRAL_CATEGORY_SYSTEM, REFERRAL_CATEGORY_CODE, "Patient referral")));
    referral.setSubject(new Reference(patientUrl));
    refs.get().encounterUrl().ifPresent(e -> referral.setEncounter(new Reference(e)));
    switch (s(rf1.getRf12_ReferralPriority().getCe1_Identifier())) {
      case "S" -> referral.setPriority(ServiceRequestPriority.STAT);
      case "A" -> referral.setPriority(ServiceRequestPriority.ASAP);
      case "R" -> referral.setPriority(ServiceRequestPriority.ROUTINE);
      default -> { }
    }
    Codes.concept(ctx, rf1.getRf13_ReferralType()).ifPresent(referral::setCode);
    ctx.dateTime(s(rf1.getRf17_EffectiveDate().getTs1_Time()), rf1Ref.get().at(7), "RF1-7")
        .ifPresent(referral::setAuthoredOnElement);
    for (CE reason : rf1.getRf110_ReferralReason()) {
      Codes.concept(ctx, reason).ifPresent(referral::addReasonCode);
    }
    for (SegmentRef dg1 : ctx.message().all("DG1")) {
      DiagnosisToCondition.add(ctx, dg1, refs.get().patientKey(), patientUrl, refs.get().encounterUrl(),
          refs.get().visit()).ifPresent(url -> referral.addReasonReference(new Reference(url)));
    }
    for (SegmentRef prdRef : ctx.message().all("PRD")) {
      PRD prd = prdRef.as(PRD.class);
      String role = prd.getPrd1_ProviderRoleReps() == 0 ? "" : s(prd.getPrd1_ProviderRole(0).getCe1_Identifier());
      switch (role) {
        case "RP" -> practitioner(ctx, prd).ifPresent(referral::setRequester);
        case "RT" -> {
          practitioner(ctx, prd).ifPresent(referral::addPerformer);
          institution(ctx, prd.getPrd4_ProviderLocation().getPl4_Facility()).ifPresent(referral::addPerformer);
        }
        default -> { }
      }
    }
    if (!referral.hasRequester()) {
      referral.setRequester(new Reference(organizationUrl));
    }
    String query = SearchUrls.identifierQuery(List.of(key));
    if ("I15".equals(trigger)) {
      // a status request: the referral as the hub has it is the answer; nothing changes
      ctx.transaction().createIfNoneExist(referral, query);
    } else {
      ctx.transaction().updateWhere(referral, query);
    }
    return Optional.of(patientUrl);
  }

  /** The provider a PRD names: by PRD-7's id when it has one, else a reference holding the name. */
  private static Optional<Reference> practitioner(MappingContext ctx, PRD prd) {
    Optional<HumanName> name = Optional.empty();
    for (XPN xpn : prd.getPrd2_ProviderName()) {
      name = Names.fromXpn(xpn);
      if (name.isPresent()) {
        break;
      }
    }
    String id = "";
    for (PLN pln : prd.getPrd7_ProviderIdentifiers()) {
      id = s(pln.getPln1_IDNumber());
      if (!id.isEmpty()) {
        break;
      }
    }
    if (id.isEmpty()) {
      return name.map(n -> new Reference().setDisplay(n.hasText() ? n.getText() : n.getNameAsSingleString()));
    }
    Identifier identifier = new Identifier().setSystem(ctx.sender().namespace("practitioner")).setValue(id);
    Practitioner practitioner = ctx.stamp(new Practitioner());
    practitioner.addIdentifier(identifier);
    name.ifPresent(practitioner::addName);
    Reference reference = new Reference(
        ctx.transaction().createIfNoneExist(practitioner, SearchUrls.identifierQuery(List.of(identifier))));
    name.ifPresent(n -> reference.setDisplay(n.hasText() ? n.getText() : n.getNameAsSingleString()));
    return Optional.of(reference);
  }

  /** The referred-to institution (PL-4 facility), by the same facility identifier its own messages carry. */
  private static Optional<Reference> institution(MappingContext ctx, HD facility) {
    String code = s(facility.getHd1_NamespaceID());
    if (code.isEmpty()) {
      return Optional.empty();
    }
    Identifier identifier = new Identifier().setSystem(Sender.FACILITY_SYSTEM).setValue(code);
    Organization organization = ctx.stamp(new Organization());
    organization.addIdentifier(identifier);
    organization.setName(code);
    organization.setActive(true);
    String url = ctx.transaction().createIfNoneExist(organization, SearchUrls.identifierQuery(List.of(identifier)));
    return Optional.of(new Reference(url).setIdentifier(identifier.copy()).setDisplay(code));
  }
}
