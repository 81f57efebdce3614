package cn.healthcard.hub.mappings.hl7v2.vxu;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.EI;
import ca.uhn.hl7v2.model.v251.datatype.HD;
import ca.uhn.hl7v2.model.v251.datatype.LA2;
import ca.uhn.hl7v2.model.v251.datatype.PL;
import ca.uhn.hl7v2.model.v251.datatype.ST;
import ca.uhn.hl7v2.model.v251.datatype.TS;
import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.segment.ORC;
import ca.uhn.hl7v2.model.v251.segment.RXA;
import ca.uhn.hl7v2.model.v251.segment.RXR;
import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.PipeParser;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.bundle.NameBasedUuid;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.codec.Delimiters;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Timestamps;
import cn.healthcard.hub.mappings.hl7v2.datatype.V2;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.PlToLocations;
import cn.healthcard.hub.mappings.hl7v2.segment.XcnToPractitioner;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Immunization.ImmunizationStatus;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Location.LocationStatus;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * ORC + RXA + RXR to Immunization (v2-to-FHIR RXA[Immunization], ORC[Immunization],
 * RXR[Immunization], with the CDC IIS guide's conventions):
 *
 * <ul>
 *   <li>status: RXA-21 {@code D} entered-in-error; else RXA-20 {@code CP} (or empty) completed,
 *       {@code PA} completed with isSubpotent, {@code RE} not-done (statusReason RXA-18 plus
 *       v3-ActReason PATOBJ), {@code NA} not-done (statusReason RXA-18 when sent);
 *   <li>vaccineCode RXA-5 (all codings as sent, plus the exact NIP/CVX translation, see
 *       {@link VaccineCodes}); occurrence RXA-3; recorded RXA-22 (when RXA-21 is A or empty),
 *       else ORC-9;
 *   <li>primarySource RXA-9 ({@code 00} new record: true; anything else: false, and reportOrigin
 *       RXA-9 as sent); doseQuantity RXA-6/7 (999 = unknown: no dose); lotNumber RXA-15;
 *       expirationDate RXA-16; manufacturer RXA-17 (an Organization created once by its code,
 *       MVX or the sender's); statusReason RXA-18; reasonCode RXA-19;
 *   <li>performer RXA-10 (function AP) and ORC-12 (OP) as Practitioners; location RXA-11 (LA2-4
 *       facility, else LA2-1/2/3), else RXA-27 (PL, v2.6+);
 *   <li>route RXR-1, site RXR-2;
 *   <li>identifier ORC-3 (filler, FILL) and ORC-2 (placer, PLAC) in the sender's namespaces; the
 *       Immunization is written as a conditional update matching the filler number, else the
 *       placer number, else (neither sent, or the CDC placeholder {@code 9999}) a hub-minted key:
 *       a name-based UUID of the patient's identifiers, RXA-3 and RXA-5 in the sender's
 *       {@code immunization} namespace.
 * </ul>
 */
public final class RxaToImmunization {

  public static final String PERFORMER_FUNCTION = "0443";
  public static final String ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
  public static final String ORIGIN = "http://terminology.hl7.org/CodeSystem/immunization-origin";
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
  private static final String UNKNOWN_FILLER = "9999";
  private static final PipeParser PARSER = PipeParser.getInstanceWithNoValidation();

  /**
   * An Immunization before it is added.
   *
   * @param key what the conditional update matches
   * @param occurrence RXA-3 as parsed
   */
  public record Result(Immunization immunization, Identifier key, Timestamps.Parsed occurrence) {}

  private RxaToImmunization() {}

  /**
   * Maps one group's ORC, RXA and RXR (OBX are {@link ObxToImmunization}'s); empty with errors
   * recorded when a required field is missing or invalid.
   *
   * @param patientKeys the identifiers the Patient is matched by (for the hub-minted key)
   */
  public static Optional<Result> map(MappingContext ctx, Optional<SegmentRef> orcRef, SegmentRef rxaRef,
      Optional<SegmentRef> rxrRef, String patientUrl, Optional<String> encounterUrl, String organizationUrl,
      List<Identifier> patientKeys) {
    RXA rxa = rxaRef.as(RXA.class);
    Optional<ORC> orc = orcRef.map(r -> r.as(ORC.class));
    Immunization imm = ctx.stamp(new Immunization());

    String rxa3 = s(rxa.getRxa3_DateTimeStartOfAdministration().getTs1_Time());
    Optional<Timestamps.Parsed> occurrence = Optional.empty();
    if (rxa3.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, rxaRef.at(3), "RXA-3 (date/time start of administration) is required");
    } else {
      occurrence = ctx.timestamp(rxa3, rxaRef.at(3), "RXA-3");
    }
    Optional<CodeableConcept> vaccine = Codes.concept(ctx, rxa.getRxa5_AdministeredCode());
    if (vaccine.isEmpty() || !vaccine.get().hasCoding()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, rxaRef.at(5), "RXA-5 (administered code) is required");
      vaccine = Optional.empty();
    }
    ImmunizationStatus status = status(ctx, rxaRef, rxa, imm);

    // identifiers and the key
    List<Identifier> ids = new ArrayList<>();
    Optional<Identifier> filler = orc.flatMap(o -> orderNumber(ctx, o.getOrc3_FillerOrderNumber(), "filler-order", "FILL"));
    Optional<Identifier> placer = orc.flatMap(o -> orderNumber(ctx, o.getOrc2_PlacerOrderNumber(), "placer-order", "PLAC"));
    filler.ifPresent(ids::add);
    placer.ifPresent(ids::add);
    Identifier key;
    if (filler.isPresent()) {
      key = filler.get();
    } else if (placer.isPresent()) {
      key = placer.get();
    } else {
      String patient = patientKeys.stream().map(i -> i.getSystem() + "|" + i.getValue()).collect(Collectors.joining(","));
      String code = vaccine.map(v -> v.getCodingFirstRep().getSystem() + "|" + v.getCodingFirstRep().getCode()).orElse("");
      key = new Identifier().setSystem(ctx.sender().namespace("immunization"))
          .setValue(NameBasedUuid.of("immunization", ctx.sender().key(), patient, rxa3, code).toString());
      ids.add(key);
    }
    ids.forEach(imm::addIdentifier);

    imm.setStatus(status);
    vaccine.ifPresent(v -> imm.setVaccineCode(VaccineCodes.withTranslations(ctx.terminology(), v)));
    imm.setPatient(new Reference(patientUrl));
    encounterUrl.ifPresent(e -> imm.setEncounter(new Reference(e)));
    occurrence.ifPresent(t -> imm.setOccurrence(new DateTimeType(t.dateTime())));
    recorded(ctx, rxaRef, rxa, orcRef).ifPresent(imm::setRecordedElement);
    source(ctx, rxa, imm);
    dose(ctx, rxaRef, rxa).ifPresent(imm::setDoseQuantity);
    for (ST lot : rxa.getRxa15_SubstanceLotNumber()) {
      if (!s(lot).isEmpty()) {
        imm.setLotNumber(s(lot));
        break;
      }
    }
    TS[] expiration = rxa.getRxa16_SubstanceExpirationDate();
    for (int i = 0; i < expiration.length; i++) {
      String v = s(expiration[i].getTs1_Time());
      if (!v.isEmpty()) {
        ctx.timestamp(v, rxaRef.at(16, i + 1), "RXA-16").ifPresent(t -> imm.setExpirationDateElement(new DateType(t.date())));
        break;
      }
    }
    for (CE ce : rxa.getRxa17_SubstanceManufacturerName()) {
      Optional<Reference> m = manufacturer(ctx, ce);
      if (m.isPresent()) {
        imm.setManufacturer(m.get());
        break;
      }
    }
    for (CE ce : rxa.getRxa18_SubstanceTreatmentRefusalReason()) {
      Codes.concept(ctx, ce).ifPresent(reason -> {
        if (imm.hasStatusReason()) {
          imm.getStatusReason().getCoding().addAll(reason.getCoding());
        } else {
          imm.setStatusReason(reason);
        }
      });
    }
    if ("RE".equals(s(rxa.getRxa20_CompletionStatus())) && status == ImmunizationStatus.NOTDONE) {
      CodeableConcept reason = imm.hasStatusReason() ? imm.getStatusReason() : new CodeableConcept();
      reason.addCoding(new Coding(ACT_REASON, "PATOBJ", "patient objection"));
      imm.setStatusReason(reason);
    }
    for (CE ce : rxa.getRxa19_Indication()) {
      Codes.concept(ctx, ce).ifPresent(imm::addReasonCode);
    }
    for (XCN xcn : rxa.getRxa10_AdministeringProvider()) {
      performer(ctx, imm, xcn, "AP", "Administering Provider");
    }
    orc.ifPresent(o -> {
      for (XCN xcn : o.getOrc12_OrderingProvider()) {
        performer(ctx, imm, xcn, "OP", "Ordering Provider");
      }
    });
    location(ctx, rxaRef, rxa, organizationUrl).ifPresent(imm::setLocation);
    rxrRef.ifPresent(r -> {
      RXR rxr = r.as(RXR.class);
      Codes.concept(ctx, rxr.getRxr1_Route()).ifPresent(imm::setRoute);
      Codes.concept(ctx, rxr.getRxr2_AdministrationSite()).ifPresent(imm::setSite);
    });
    if (occurrence.isEmpty() || vaccine.isEmpty() || status == null) {
      return Optional.empty();
    }
    return Optional.of(new Result(imm, key, occurrence.get()));
  }

  /** Adds the Immunization as a conditional update on its key; its fullUrl. */
  public static String add(MappingContext ctx, Result r) {
    return ctx.transaction().updateWhere(r.immunization(), SearchUrls.identifierQuery(List.of(r.key())));
  }

  private static ImmunizationStatus status(MappingContext ctx, SegmentRef ref, RXA rxa, Immunization imm) {
    String completion = s(rxa.getRxa20_CompletionStatus());
    String action = s(rxa.getRxa21_ActionCodeRXA());
    ImmunizationStatus status;
    switch (completion) {
      case "", "CP" -> status = ImmunizationStatus.COMPLETED;
      case "PA" -> {
        status = ImmunizationStatus.COMPLETED;
        imm.setIsSubpotent(true);
      }
      case "RE", "NA" -> status = ImmunizationStatus.NOTDONE;
      default -> {
        ctx.error(ErrorCode.TABLE_VALUE_NOT_FOUND, ref.at(20), "RXA-20 must be CP, PA, RE or NA (HL7 table 0322)");
        status = null;
      }
    }
    switch (action) {
      case "", "A", "U" -> { }
      case "D" -> status = status == null ? null : ImmunizationStatus.ENTEREDINERROR;
      default -> {
        ctx.error(ErrorCode.TABLE_VALUE_NOT_FOUND, ref.at(21), "RXA-21 must be A, D or U (HL7 table 0323)");
        status = null;
      }
    }
    return status;
  }

  /** An order number (EI) as an identifier typed FILL/PLAC; empty when absent or the 9999 placeholder. */
  private static Optional<Identifier> orderNumber(MappingContext ctx, EI ei, String kind, String type) {
    String value = s(ei.getEi1_EntityIdentifier());
    if (value.isEmpty() || value.equals(UNKNOWN_FILLER)) {
      return Optional.empty();
    }
    Identifier id = Identifiers.fromEi(ctx, ei, ctx.sender().namespace(kind));
    Identifiers.type(ctx, type, id);
    return Optional.of(id);
  }

  /** RXA-22 when RXA-21 is A (or empty), else ORC-9 (v2-to-FHIR). */
  private static Optional<DateTimeType> recorded(MappingContext ctx, SegmentRef rxaRef, RXA rxa,
      Optional<SegmentRef> orcRef) {
    String action = s(rxa.getRxa21_ActionCodeRXA());
    Optional<DateTimeType> entry = ctx.dateTime(s(rxa.getRxa22_SystemEntryDateTime().getTs1_Time()), rxaRef.at(22), "RXA-22");
    Optional<DateTimeType> transaction = orcRef.flatMap(o ->
        ctx.dateTime(s(o.as(ORC.class).getOrc9_DateTimeOfTransaction().getTs1_Time()), o.at(9), "ORC-9"));
    if (entry.isPresent() && (action.isEmpty() || action.equals("A"))) {
      return entry;
    }
    return transaction;
  }

  /** RXA-9: {@code 00} is a new record (primary source); anything else is reported (historical). */
  private static void source(MappingContext ctx, RXA rxa, Immunization imm) {
    for (CE ce : rxa.getRxa9_AdministrationNotes()) {
      String code = s(ce.getCe1_Identifier());
      if (code.isEmpty()) {
        continue;
      }
      imm.setPrimarySource(code.equals("00"));
      if (!code.equals("00")) {
        Codes.concept(ctx, ce).ifPresent(origin -> {
          String fhir = switch (code) {
            case "02" -> "provider";
            case "03", "06" -> "record";
            case "04" -> "recall";
            case "07" -> "school";
            default -> null;
          };
          if (fhir != null) {
            origin.addCoding(new Coding(ORIGIN, fhir, null));
          }
          imm.setReportOrigin(origin);
        });
      }
      return;
    }
  }

  /** RXA-6/RXA-7: the dose, none when RXA-6 is empty or 999 (unknown). */
  private static Optional<Quantity> dose(MappingContext ctx, SegmentRef ref, RXA rxa) {
    String amount = s(rxa.getRxa6_AdministeredAmount());
    if (amount.isEmpty() || amount.equals("999")) {
      return Optional.empty();
    }
    if (!NUMBER.matcher(amount).matches()) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, ref.at(6), "RXA-6 (administered amount) must be a number");
      return Optional.empty();
    }
    Quantity q = new Quantity();
    q.setValue(new BigDecimal(amount));
    CE units = rxa.getRxa7_AdministeredUnits();
    String code = s(units.getCe1_Identifier());
    String text = s(units.getCe2_Text());
    String system = s(units.getCe3_NameOfCodingSystem());
    if ("UCUM".equalsIgnoreCase(system) && !code.isEmpty()) {
      q.setSystem(Codes.UCUM).setCode(code).setUnit(text.isEmpty() ? code : text);
    } else if (!code.isEmpty() || !text.isEmpty()) {
      q.setUnit(code.isEmpty() ? text : code);
    }
    return Optional.of(q);
  }

  /** RXA-17: the manufacturer, an Organization created once by its code; a display when only text. */
  private static Optional<Reference> manufacturer(MappingContext ctx, CE ce) {
    String code = s(ce.getCe1_Identifier());
    String name = s(ce.getCe2_Text());
    if (code.isEmpty()) {
      return name.isEmpty() ? Optional.empty() : Optional.of(new Reference().setDisplay(name));
    }
    Identifier id = new Identifier().setSystem(Codes.systemUri(s(ce.getCe3_NameOfCodingSystem()), ctx.sender()))
        .setValue(code);
    Organization o = ctx.stamp(new Organization());
    o.addIdentifier(id);
    o.setName(name.isEmpty() ? code : name);
    o.setActive(true);
    String url = ctx.transaction().createIfNoneExist(o, SearchUrls.identifierQuery(List.of(id)));
    return Optional.of(new Reference(url).setIdentifier(id.copy()).setDisplay(o.getName()));
  }

  private static void performer(MappingContext ctx, Immunization imm, XCN xcn, String function, String display) {
    XcnToPractitioner.reference(ctx, xcn).ifPresent(r -> imm.addPerformer()
        .setFunction(new CodeableConcept().addCoding(
            Codes.coding(ctx, Codes.table(PERFORMER_FUNCTION), function, display)))
        .setActor(r));
  }

  /**
   * RXA-11 (LA2): a Location created once in the sender's {@code location} namespace, keyed by the
   * facility (LA2-4) when sent, else by point of care/room/bed as PL is; RXA-27 (PL, v2.6+) when
   * RXA-11 is empty.
   */
  private static Optional<Reference> location(MappingContext ctx, SegmentRef ref, RXA rxa, String organizationUrl) {
    LA2 la2 = rxa.getRxa11_AdministeredAtLocation();
    if (!V2.isEmpty(la2)) {
      HD facility = la2.getLa24_Facility();
      String name = s(facility.getHd1_NamespaceID());
      if (name.isEmpty()) {
        name = s(facility.getHd2_UniversalID());
      }
      List<String> parts = new ArrayList<>();
      for (String p : new String[] {s(la2.getLa21_PointOfCare()), s(la2.getLa22_Room()), s(la2.getLa23_Bed())}) {
        if (!p.isEmpty()) {
          parts.add(p);
        }
      }
      String value = name.isEmpty() ? String.join("/", parts) : name;
      if (value.isEmpty()) {
        return Optional.empty();
      }
      Identifier id = new Identifier().setSystem(ctx.sender().namespace("location")).setValue(value);
      Location l = ctx.stamp(new Location());
      l.addIdentifier(id).setStatus(LocationStatus.ACTIVE).setName(value);
      l.setManagingOrganization(new Reference(organizationUrl));
      String url = ctx.transaction().createIfNoneExist(l, SearchUrls.identifierQuery(List.of(id)));
      return Optional.of(new Reference(url).setDisplay(value));
    }
    List<Type> rxa27 = V2.field(rxa, 27);
    if (rxa27.isEmpty() || V2.isEmpty(rxa27.get(0))) {
      return Optional.empty();
    }
    try {
      Type t = rxa27.get(0) instanceof Varies v ? v.getData() : rxa27.get(0);
      Delimiters d = ctx.message().delimiters();
      EncodingCharacters enc = new EncodingCharacters(d.field(), d.component(), d.repetition(), d.escape(), d.subcomponent());
      PL pl = new PL(rxa.getMessage());
      PARSER.parse(pl, PipeParser.encode(t, enc), enc);
      List<String> urls = PlToLocations.add(ctx, pl, organizationUrl);
      return urls.isEmpty() ? Optional.empty() : Optional.of(new Reference(urls.get(urls.size() - 1)));
    } catch (Exception e) {
      return Optional.empty();
    }
  }
}
