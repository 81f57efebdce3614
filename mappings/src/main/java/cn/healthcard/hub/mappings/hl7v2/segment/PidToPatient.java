package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.datatype.XAD;
import ca.uhn.hl7v2.model.v251.datatype.XPN;
import ca.uhn.hl7v2.model.v251.datatype.XTN;
import ca.uhn.hl7v2.model.v251.segment.PID;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.HubExtensions;
import cn.healthcard.hub.mappings.hl7v2.datatype.Addresses;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Names;
import cn.healthcard.hub.mappings.hl7v2.datatype.Telecoms;
import cn.healthcard.hub.mappings.hl7v2.datatype.Timestamps;
import cn.healthcard.hub.mappings.hl7v2.datatype.V2;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointUse;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.StringType;

/**
 * PID to Patient (v2-to-FHIR PID[Patient]), with the hub's identity rules:
 *
 * <ul>
 *   <li>The PID-3 repetition whose assigning authority OID (CX-4.2) is 2.16.156.10011.1.19 is the
 *       health-card number, validated (GB 11643) and stored in its 18-character form; invalid is
 *       an AE (102) at that repetition. 2.16.156.10011.1.3 (identity card) is validated the same
 *       way.
 *   <li>The MRN is the first other PID-3 repetition typed MR (CX-5), else the first other one.
 *   <li>A PID-7 whose date contradicts the card's encoded birth date is an AE (102) at PID-7.
 *   <li>PID-8 may be HL7 table 0001 (M/F/O/U/A/N) or GB/T 2261.1 (0/1/2/9): gender, plus both
 *       codings in {@link HubExtensions#PATIENT_SEX}.
 *   <li>PID-22 as GB 3304 (numeric or letter codes, both kept) in
 *       {@link HubExtensions#PATIENT_ETHNICITY}.
 * </ul>
 */
public final class PidToPatient {

  private static final String CARD_OID = "2.16.156.10011.1.19";
  private static final String ID_CARD_OID = "2.16.156.10011.1.3";
  private static final Set<String> V2_SEX = Set.of("M", "F", "O", "U", "A", "N");
  private static final Set<String> GB_SEX = Set.of("0", "1", "2", "9");

  /**
   * @param patient the Patient
   * @param card the health-card identifier, if PID-3 has one
   * @param mrn the hospital's own number, if PID-3 has one
   */
  public record Result(Patient patient, Optional<Identifier> card, Optional<Identifier> mrn) {

    /** What finds this person: card and MRN (either, comma = OR), card first. */
    public List<Identifier> matchIdentifiers() {
      List<Identifier> ids = new ArrayList<>();
      card.ifPresent(ids::add);
      mrn.ifPresent(ids::add);
      return ids;
    }
  }

  private PidToPatient() {}

  /** Empty (with an AE recorded) when PID-3 has no usable identifier. */
  public static Optional<Result> map(MappingContext ctx, SegmentRef ref) {
    PID pid = ref.as(PID.class);
    Patient p = new Patient();
    Identifier card = null;
    Identifier mrn = null;
    Identifier firstOther = null;
    Optional<ResidentIdNumber> cardNumber = Optional.empty();
    CX[] ids = pid.getPid3_PatientIdentifierList();
    for (int i = 0; i < ids.length; i++) {
      CX cx = ids[i];
      String value = s(cx.getCx1_IDNumber());
      if (value.isEmpty()) {
        continue;
      }
      if (isPersonNumber(cx)) {
        Optional<PersonNumber> n = personNumber(ctx, cx, ref.at(3, i + 1), "PID-3");
        if (n.isPresent()) {
          Identifier id = n.get().identifier();
          if (!contains(p.getIdentifier(), id)) {
            p.addIdentifier(id);
          }
          if (n.get().healthCard() && card == null) {
            card = id;
            cardNumber = Optional.of(n.get().number());
          }
        }
        continue;
      }
      Identifier id = Identifiers.fromCx(ctx, cx, defaultMrnSystem(ctx));
      if (contains(p.getIdentifier(), id)) {
        continue;
      }
      p.addIdentifier(id);
      if (mrn == null && "MR".equals(s(cx.getCx5_IdentifierTypeCode()))) {
        mrn = id;
      }
      if (firstOther == null) {
        firstOther = id;
      }
    }
    if (mrn == null) {
      mrn = firstOther;
    }
    for (CX cx : pid.getPid4_AlternatePatientIDPID()) {
      if (!s(cx.getCx1_IDNumber()).isEmpty()) {
        Identifier id = Identifiers.fromCx(ctx, cx, ctx.sender().namespace("alternate-id"));
        if (!contains(p.getIdentifier(), id)) {
          p.addIdentifier(id);
        }
      }
    }
    if (card == null && mrn == null) {
      if (!ctx.hasErrors()) {
        ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(3),
            "PID-3 must carry the patient's number in the hospital or a valid health-card number");
      }
      return Optional.empty();
    }

    for (XPN xpn : pid.getPid5_PatientName()) {
      Names.fromXpn(xpn).ifPresent(p::addName);
    }
    for (XPN xpn : pid.getPid6_MotherSMaidenName()) {
      String family = s(xpn.getXpn1_FamilyName().getFn1_Surname());
      if (!family.isEmpty()) {
        p.addExtension(HubExtensions.MOTHERS_MAIDEN_NAME, new StringType(family));
        break;
      }
    }
    birthDate(ctx, ref, pid, p, cardNumber);
    sex(ctx, s(pid.getPid8_AdministrativeSex()), p);
    for (XAD xad : pid.getPid11_PatientAddress()) {
      Addresses.fromXad(ctx, xad).ifPresent(p::addAddress);
    }
    for (XTN xtn : pid.getPid13_PhoneNumberHome()) {
      Telecoms.fromXtn(xtn, ContactPointUse.HOME).ifPresent(p::addTelecom);
    }
    for (XTN xtn : pid.getPid14_PhoneNumberBusiness()) {
      Telecoms.fromXtn(xtn, ContactPointUse.WORK).ifPresent(p::addTelecom);
    }
    Codes.concept(ctx, pid.getPid15_PrimaryLanguage())
        .ifPresent(c -> p.addCommunication().setLanguage(c));
    Codes.concept(ctx, pid.getPid16_MaritalStatus()).ifPresent(p::setMaritalStatus);
    CE[] ethnic = pid.getPid22_EthnicGroup();
    if (ethnic.length > 0) {
      ethnicity(ctx, ethnic[0]).ifPresent(c -> p.addExtension(HubExtensions.PATIENT_ETHNICITY, c));
    }
    String deathIndicator = s(pid.getPid30_PatientDeathIndicator());
    Optional<DateTimeType> death = ctx.dateTime(
        s(pid.getPid29_PatientDeathDateAndTime().getTs1_Time()), ref.at(29), "PID-29");
    if (death.isPresent()) {
      p.setDeceased(death.get());
    } else if ("Y".equals(deathIndicator)) {
      p.setDeceased(new BooleanType(true));
    } else if ("N".equals(deathIndicator)) {
      p.setDeceased(new BooleanType(false));
    }
    return Optional.of(new Result(p, Optional.ofNullable(card), Optional.ofNullable(mrn)));
  }

  /**
   * A health-card or identity-card number read from a CX.
   *
   * @param identifier system {@code urn:oid:2.16.156.10011.1.19} (health card) or
   *     {@code urn:oid:2.16.156.10011.1.3} (identity card), the 18-character form as value
   * @param healthCard whether it is the health-card number
   */
  public record PersonNumber(Identifier identifier, ResidentIdNumber number, boolean healthCard) {}

  /** Whether the CX's assigning authority (CX-4.2) is the health-card or identity-card OID. */
  /** Whether an identifier system is the health-card or the identity-card number (the person's, not an institution's). */
  public static boolean isPersonSystem(String system) {
    return ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(system) || ResidentIdNumber.ID_CARD_SYSTEM.equals(system);
  }

  public static boolean isPersonNumber(CX cx) {
    String oid = Identifiers.authorityOid(cx);
    return CARD_OID.equals(oid) || ID_CARD_OID.equals(oid);
  }

  /**
   * The health-card or identity-card number of a CX whose authority says it is one, validated
   * (GB 11643) and in its 18-character form; empty with an AE (102) at {@code where} when invalid.
   */
  public static Optional<PersonNumber> personNumber(MappingContext ctx, CX cx, ErrorLocation where, String field) {
    boolean isCard = CARD_OID.equals(Identifiers.authorityOid(cx));
    try {
      ResidentIdNumber n = ResidentIdNumber.parse(s(cx.getCx1_IDNumber()));
      Identifier id = new Identifier()
          .setSystem(isCard ? ResidentIdNumber.HEALTH_CARD_SYSTEM : ResidentIdNumber.ID_CARD_SYSTEM)
          .setValue(n.value());
      Identifiers.type(ctx, s(cx.getCx5_IdentifierTypeCode()), id);
      return Optional.of(new PersonNumber(id, n, isCard));
    } catch (InvalidResidentIdNumberException e) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, where,
          field + " " + (isCard ? "health-card" : "identity-card") + " number is invalid: " + e.getMessage());
      return Optional.empty();
    }
  }

  /**
   * The MRN system when PID-3 names no assigning authority: {@code urn:oid:<MSH-4.2>} when the
   * sender has an OID, else the sender's {@code mrn} namespace.
   */
  public static String defaultMrnSystem(MappingContext ctx) {
    return ctx.sender().hasOid() ? "urn:oid:" + ctx.sender().universalId() : ctx.sender().namespace("mrn");
  }

  private static boolean contains(List<Identifier> ids, Identifier id) {
    return ids.stream().anyMatch(i -> i.getSystem().equals(id.getSystem()) && i.getValue().equals(id.getValue()));
  }

  private static void birthDate(MappingContext ctx, SegmentRef ref, PID pid, Patient p,
      Optional<ResidentIdNumber> card) {
    String raw = s(pid.getPid7_DateTimeOfBirth().getTs1_Time());
    Optional<Timestamps.Parsed> t = ctx.timestamp(raw, ref.at(7), "PID-7");
    if (t.isEmpty()) {
      return;
    }
    Timestamps.Parsed birth = t.get();
    if (card.isPresent() && birth.isFullDate()
        && !birth.date().equals(card.get().birthDate().toString())) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, ref.at(7),
          "PID-7 birth date contradicts the birth date encoded in the health-card number (PID-3)");
      return;
    }
    DateType date = new DateType(birth.date());
    if (birth.hasTime()) {
      date.addExtension(HubExtensions.BIRTH_TIME, new DateTimeType(birth.dateTime()));
    }
    p.setBirthDateElement(date);
  }

  /** PID-8 in table 0001 or GB/T 2261.1: gender plus the codings in both systems. */
  static void sex(MappingContext ctx, String code, Patient p) {
    if (code.isEmpty()) {
      return;
    }
    CodeableConcept cc = new CodeableConcept();
    if (V2_SEX.contains(code)) {
      cc.addCoding(Codes.coding(ctx, HubCodeSystems.V2_0001, code, null));
      ctx.terminology().translate(HubCodeSystems.V2_0001, code, HubCodeSystems.SEX)
          .ifPresent(t -> cc.addCoding(ctx.terminology().annotate(t.target())));
      p.setGender(switch (code) {
        case "M" -> AdministrativeGender.MALE;
        case "F" -> AdministrativeGender.FEMALE;
        case "U" -> AdministrativeGender.UNKNOWN;
        default -> AdministrativeGender.OTHER;
      });
    } else if (GB_SEX.contains(code)) {
      cc.addCoding(Codes.coding(ctx, HubCodeSystems.SEX, code, null));
      ctx.terminology().translate(HubCodeSystems.SEX, code, HubCodeSystems.ADMINISTRATIVE_GENDER)
          .ifPresent(t -> p.setGender(AdministrativeGender.fromCode(t.target().getCode())));
    } else {
      cc.addCoding(ctx.terminology().annotate(new Coding().setCode(code)));
    }
    p.addExtension(HubExtensions.PATIENT_SEX, cc);
  }

  /** PID-22 as GB 3304: numeric ({@code 01}) or letter ({@code HA}) code, both kept. */
  static Optional<CodeableConcept> ethnicity(MappingContext ctx, CE ce) {
    String code = s(ce.getCe1_Identifier());
    String system = null;
    String other = null;
    if (code.matches("\\d{1,2}")) {
      code = code.length() == 1 ? "0" + code : code;
      system = HubCodeSystems.ETHNICITY;
      other = HubCodeSystems.ETHNICITY_LETTER;
    } else if (code.matches("[A-Za-z]{2}")) {
      code = code.toUpperCase();
      system = HubCodeSystems.ETHNICITY_LETTER;
      other = HubCodeSystems.ETHNICITY;
    }
    if (system == null) {
      return Codes.concept(ctx, ce);
    }
    String display = s(ce.getCe2_Text());
    CodeableConcept cc = new CodeableConcept();
    cc.addCoding(Codes.coding(ctx, system, code, display));
    String target = other;
    ctx.terminology().translate(system, code, target)
        .ifPresent(t -> cc.addCoding(ctx.terminology().annotate(t.target())));
    return Optional.of(cc);
  }

  static boolean isEmpty(CX cx) {
    return V2.isEmpty(cx);
  }
}
