package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.datatype.XPN;
import ca.uhn.hl7v2.model.v251.segment.NK1;
import ca.uhn.hl7v2.model.v251.segment.PID;
import cn.healthcard.hub.mappings.birth.BirthReportShape;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Names;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient.ContactComponent;
import org.hl7.fhir.r4.model.RelatedPerson;

/**
 * The mother in a birth report ({@link BirthReportShape}): PID-21 and the NK1s that say mother,
 * as a RelatedPerson (relationship v3-RoleCode MTH; the caller sets {@code patient} and the key).
 *
 * <ul>
 *   <li>identifier: PID-21 and NK1-33 by the CX rules of PID-3 (a health-card or identity-card
 *       number, by CX-4.2, is validated: AE 102 at its repetition; other authorities such as a
 *       passport office give their system; none gives the sender's MRN system, the mother's own
 *       record at the birth institution); NK1-37, the social security number, which in China is
 *       the citizen identity number, as an identity-card number (AE 102 when invalid). Each
 *       number once; health-card numbers first, then identity-card numbers, because the first
 *       identifier is the one the birth is keyed by and the card is the most stable.
 *   <li>name: NK1-2 of the first mother NK1, else PID-6 (a Chinese woman keeps her family name,
 *       so PID-6 names the mother herself).
 *   <li>address and telecom: NK1-4, NK1-5, NK1-6 of the first mother NK1.
 * </ul>
 */
public final class MotherToRelatedPerson {

  /** GB/T 4761 family relationship 52 (母亲), which Chinese HIS send in NK1-3 instead of MTH. */
  private static final String GB_T_4761_MOTHER = "52";

  private MotherToRelatedPerson() {}

  /** Whether NK1-3 says mother: table 0063 {@code MTH}, or GB/T 4761 {@code 52}. */
  public static boolean isMother(MappingContext ctx, SegmentRef nk1Ref) {
    CE relationship = nk1Ref.as(NK1.class).getNk13_Relationship();
    String code = s(relationship.getCe1_Identifier());
    return BirthReportShape.MOTHER.equalsIgnoreCase(code)
        || (GB_T_4761_MOTHER.equals(code) && HubCodeSystems.FAMILY_RELATIONSHIP.equals(
            Codes.systemUri(s(relationship.getCe3_NameOfCodingSystem()), ctx.sender())));
  }

  /**
   * The mother; empty when nothing identifies her (an AE 101 at PID-21 when no identifier was
   * sent at all; an invalid one has its own AE already).
   */
  public static Optional<RelatedPerson> map(MappingContext ctx, SegmentRef pidRef, List<SegmentRef> motherNk1s) {
    List<Identifier> ids = new ArrayList<>();
    boolean sent = addCxs(ctx, pidRef.as(PID.class).getPid21_MotherSIdentifier(), r -> pidRef.at(21, r), "PID-21", ids);
    for (SegmentRef nk1 : motherNk1s) {
      sent |= addCxs(ctx, nk1.as(NK1.class).getNk133_NextOfKinAssociatedPartySIdentifiers(), r -> nk1.at(33, r),
          "NK1-33", ids);
      String socialSecurity = s(nk1.as(NK1.class).getNk137_ContactPersonSocialSecurityNumber());
      if (!socialSecurity.isEmpty()) {
        sent = true;
        identityNumber(ctx, socialSecurity, nk1.at(37)).ifPresent(id -> addOnce(ids, id));
      }
    }
    if (ids.isEmpty()) {
      if (!sent) {
        ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, pidRef.at(21),
            "a birth report must identify the mother (PID-21, NK1-33 or NK1-37)");
      }
      return Optional.empty();
    }
    RelatedPerson mother = ctx.stamp(new RelatedPerson());
    ids.stream().sorted(Comparator.comparingInt(MotherToRelatedPerson::rank)).forEach(mother::addIdentifier);
    mother.addRelationship(new CodeableConcept().addCoding(
        new Coding(BirthReportShape.ROLE_CODE_SYSTEM, BirthReportShape.MOTHER, "mother")));
    Optional<ContactComponent> nk1 = motherNk1s.stream()
        .flatMap(n -> Nk1ToContact.map(ctx, n).stream()).findFirst();
    if (nk1.isPresent() && nk1.get().hasName()) {
      mother.addName(nk1.get().getName());
    } else {
      maidenName(pidRef.as(PID.class)).ifPresent(mother::addName);
    }
    nk1.ifPresent(c -> {
      c.getTelecom().forEach(mother::addTelecom);
      if (c.hasAddress()) {
        mother.addAddress(c.getAddress());
      }
    });
    return Optional.of(mother);
  }

  /** Adds the CX repetitions' identifiers; whether any repetition had a number. */
  private static boolean addCxs(MappingContext ctx, CX[] cxs, IntFunction<ErrorLocation> at, String field,
      List<Identifier> ids) {
    boolean sent = false;
    for (int i = 0; i < cxs.length; i++) {
      CX cx = cxs[i];
      if (s(cx.getCx1_IDNumber()).isEmpty()) {
        continue;
      }
      sent = true;
      Optional<Identifier> id = PidToPatient.isPersonNumber(cx)
          ? PidToPatient.personNumber(ctx, cx, at.apply(i + 1), field).map(PidToPatient.PersonNumber::identifier)
          : Optional.of(Identifiers.fromCx(ctx, cx, PidToPatient.defaultMrnSystem(ctx)));
      id.ifPresent(x -> addOnce(ids, x));
    }
    return sent;
  }

  private static Optional<Identifier> identityNumber(MappingContext ctx, String value, ErrorLocation where) {
    try {
      Identifier id = new Identifier().setSystem(ResidentIdNumber.ID_CARD_SYSTEM)
          .setValue(ResidentIdNumber.parse(value).value());
      Identifiers.type(ctx, "SS", id);
      return Optional.of(id);
    } catch (InvalidResidentIdNumberException e) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, where,
          "NK1-37 (social security number) is not a valid resident identity number: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<HumanName> maidenName(PID pid) {
    for (XPN xpn : pid.getPid6_MotherSMaidenName()) {
      Optional<HumanName> name = Names.fromXpn(xpn);
      if (name.isPresent()) {
        return name;
      }
    }
    return Optional.empty();
  }

  private static void addOnce(List<Identifier> ids, Identifier id) {
    if (ids.stream().noneMatch(i -> i.getSystem().equals(id.getSystem()) && i.getValue().equals(id.getValue()))) {
      ids.add(id);
    }
  }

  private static int rank(Identifier id) {
    return switch (id.getSystem()) {
      case ResidentIdNumber.HEALTH_CARD_SYSTEM -> 0;
      case ResidentIdNumber.ID_CARD_SYSTEM -> 1;
      default -> 2;
    };
  }
}
