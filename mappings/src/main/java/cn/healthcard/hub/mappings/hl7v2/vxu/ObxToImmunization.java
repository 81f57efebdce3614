package cn.healthcard.hub.mappings.hl7v2.vxu;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CWE;
import ca.uhn.hl7v2.model.v251.datatype.TS;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.V2;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.ObxToObservation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Immunization.ImmunizationEducationComponent;
import org.hl7.fhir.r4.model.Immunization.ImmunizationProtocolAppliedComponent;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;

/**
 * The OBXs of a VXU order group (CDC IIS guide, v2-to-FHIR OBX[Immunization]), by their LOINC
 * code (OBX-3.1):
 *
 * <ul>
 *   <li>{@code 64994-7} vaccine funding program eligibility -> programEligibility;
 *   <li>{@code 30963-3} vaccine funding source -> fundingSource;
 *   <li>{@code 69764-9} VIS document type, {@code 29768-9} VIS publication date, {@code 29769-7}
 *       VIS presentation date (and {@code 30956-7} vaccine type in the same OBX-4 group) ->
 *       one education per OBX-4 group;
 *   <li>{@code 30973-2} dose number, {@code 59782-3} doses in series, {@code 59779-9} schedule
 *       -> one protocolApplied per OBX-4 group that has a dose number;
 *   <li>{@code 31044-1} reaction -> an Observation, referred to by reaction.detail;
 *   <li>anything else (contraindications, immunity, precautions...) -> an Observation partOf the
 *       Immunization.
 * </ul>
 * Observations are conditional updates keyed {@code <immunization key>/<OBX-3.1>[/<OBX-4>]} in the
 * sender's {@code observation} namespace ({@code #2}... when a code repeats).
 */
public final class ObxToImmunization {

  static final String ELIGIBILITY = "64994-7";
  static final String FUNDING = "30963-3";
  static final String VIS_DOCUMENT = "69764-9";
  static final String VIS_PUBLISHED = "29768-9";
  static final String VIS_PRESENTED = "29769-7";
  static final String VACCINE_TYPE = "30956-7";
  static final String DOSE_NUMBER = "30973-2";
  static final String SERIES_DOSES = "59782-3";
  static final String SCHEDULE = "59779-9";
  static final String REACTION = "31044-1";
  private static final Set<String> VIS = Set.of(VIS_DOCUMENT, VIS_PUBLISHED, VIS_PRESENTED);
  private static final Set<String> PROTOCOL = Set.of(DOSE_NUMBER, SERIES_DOSES, SCHEDULE);

  private ObxToImmunization() {}

  /**
   * Applies the OBXs to the Immunization (already added at {@code immunizationUrl}) and adds the
   * Observations.
   */
  public static void apply(MappingContext ctx, Immunization imm, String immunizationUrl, Identifier key,
      List<OrderGroup.Observation> observations, String patientUrl, Optional<String> encounterUrl,
      String organizationUrl) {
    Map<String, List<OrderGroup.Observation>> bySubId = new LinkedHashMap<>();
    for (OrderGroup.Observation o : observations) {
      bySubId.computeIfAbsent(subId(o.obx()), k -> new ArrayList<>()).add(o);
    }
    List<OrderGroup.Observation> others = new ArrayList<>();
    List<OrderGroup.Observation> reactions = new ArrayList<>();
    for (OrderGroup.Observation o : observations) {
      OBX obx = o.obx().as(OBX.class);
      String code = code(obx);
      List<OrderGroup.Observation> group = bySubId.get(subId(o.obx()));
      switch (code) {
        case ELIGIBILITY -> concept(ctx, obx).ifPresent(imm::addProgramEligibility);
        case FUNDING -> concept(ctx, obx).ifPresent(imm::setFundingSource);
        case REACTION -> reactions.add(o);
        default -> {
          boolean vis = VIS.contains(code) || (code.equals(VACCINE_TYPE) && hasAny(group, VIS));
          boolean protocol = PROTOCOL.contains(code) || code.equals(VACCINE_TYPE);
          if (!vis && !(protocol && hasAny(group, Set.of(DOSE_NUMBER)))) {
            others.add(o);
          }
        }
      }
    }
    for (List<OrderGroup.Observation> group : bySubId.values()) {
      if (hasAny(group, VIS)) {
        education(ctx, group).ifPresentOrElse(imm::addEducation,
            () -> group.stream().filter(o -> VIS.contains(code(o.obx().as(OBX.class))) || code(o.obx().as(OBX.class)).equals(VACCINE_TYPE))
                .forEach(others::add));
      } else if (hasAny(group, Set.of(DOSE_NUMBER))) {
        imm.addProtocolApplied(protocol(ctx, group));
      }
    }
    Map<String, Integer> seen = new HashMap<>();
    for (OrderGroup.Observation o : reactions) {
      observation(ctx, o, key, seen, immunizationUrl, patientUrl, encounterUrl, organizationUrl).ifPresent(url -> {
        Immunization.ImmunizationReactionComponent r = imm.addReaction().setDetail(new Reference(url));
        ctx.dateTime(s(o.obx().as(OBX.class).getObx14_DateTimeOfTheObservation().getTs1_Time()), o.obx().at(14), "OBX-14")
            .ifPresent(r::setDateElement);
      });
    }
    others.sort((a, b) -> Integer.compare(a.obx().index(), b.obx().index()));
    for (OrderGroup.Observation o : others) {
      observation(ctx, o, key, seen, immunizationUrl, patientUrl, encounterUrl, organizationUrl);
    }
  }

  private static Optional<ImmunizationEducationComponent> education(MappingContext ctx, List<OrderGroup.Observation> group) {
    ImmunizationEducationComponent e = new ImmunizationEducationComponent();
    String vaccineType = null;
    for (OrderGroup.Observation o : group) {
      OBX obx = o.obx().as(OBX.class);
      switch (code(obx)) {
        case VIS_DOCUMENT -> concept(ctx, obx).ifPresent(c -> e.setDocumentType(
            c.getCodingFirstRep().hasCode() ? c.getCodingFirstRep().getCode() : c.getText()));
        case VIS_PUBLISHED -> date(ctx, o.obx(), obx).ifPresent(e::setPublicationDateElement);
        case VIS_PRESENTED -> date(ctx, o.obx(), obx).ifPresent(e::setPresentationDateElement);
        case VACCINE_TYPE -> vaccineType = concept(ctx, obx).map(c -> c.getCodingFirstRep().getCode()).orElse(null);
        default -> { }
      }
    }
    if (!e.hasDocumentType() && vaccineType != null) {
      e.setDocumentType(vaccineType);
    }
    return e.hasDocumentType() ? Optional.of(e) : Optional.empty();
  }

  private static ImmunizationProtocolAppliedComponent protocol(MappingContext ctx, List<OrderGroup.Observation> group) {
    ImmunizationProtocolAppliedComponent p = new ImmunizationProtocolAppliedComponent();
    for (OrderGroup.Observation o : group) {
      OBX obx = o.obx().as(OBX.class);
      String value = text(obx);
      switch (code(obx)) {
        case DOSE_NUMBER -> p.setDoseNumber(count(value));
        case SERIES_DOSES -> p.setSeriesDoses(count(value));
        case SCHEDULE -> concept(ctx, obx).ifPresent(c -> p.setSeries(
            c.getCodingFirstRep().hasDisplay() ? c.getCodingFirstRep().getDisplay()
                : c.hasText() ? c.getText() : c.getCodingFirstRep().getCode()));
        default -> { }
      }
    }
    return p;
  }

  private static org.hl7.fhir.r4.model.Type count(String value) {
    if (value.matches("[1-9]\\d{0,8}")) {
      return new PositiveIntType(Integer.parseInt(value));
    }
    return new StringType(value);
  }

  private static Optional<String> observation(MappingContext ctx, OrderGroup.Observation o, Identifier key,
      Map<String, Integer> seen, String immunizationUrl, String patientUrl, Optional<String> encounterUrl,
      String organizationUrl) {
    Optional<Observation> mapped = ObxToObservation.map(ctx, o.obx(), o.notes(), ObservationStatus.FINAL, Optional.empty());
    if (mapped.isEmpty()) {
      return Optional.empty();
    }
    Observation obs = mapped.get();
    String sub = subId(o.obx());
    String k = key.getValue() + "/" + obs.getCode().getCodingFirstRep().getCode() + (sub.isEmpty() ? "" : "/" + sub);
    int n = seen.merge(k, 1, Integer::sum);
    obs.addIdentifier(new Identifier().setSystem(ctx.sender().namespace("observation")).setValue(n == 1 ? k : k + "#" + n));
    obs.addPartOf(new Reference(immunizationUrl));
    obs.setSubject(new Reference(patientUrl));
    encounterUrl.ifPresent(e -> obs.setEncounter(new Reference(e)));
    obs.addPerformer(new Reference(organizationUrl));
    return Optional.of(ctx.transaction().updateWhere(obs, SearchUrls.identifierQuery(obs.getIdentifier())));
  }

  static String code(OBX obx) {
    return s(obx.getObx3_ObservationIdentifier().getCe1_Identifier());
  }

  private static String subId(SegmentRef obx) {
    return s(obx.as(OBX.class).getObx4_ObservationSubID());
  }

  private static boolean hasAny(List<OrderGroup.Observation> group, Set<String> codes) {
    return group != null && group.stream().anyMatch(o -> codes.contains(code(o.obx().as(OBX.class))));
  }

  /** OBX-5 as a CodeableConcept: a CE/CWE as coded, any other value as text. */
  private static Optional<CodeableConcept> concept(MappingContext ctx, OBX obx) {
    Varies[] values = obx.getObx5_ObservationValue();
    if (values.length == 0 || V2.isEmpty(values[0])) {
      return Optional.empty();
    }
    var data = values[0].getData();
    if (data instanceof CE ce) {
      return Codes.concept(ctx, ce);
    }
    if (data instanceof CWE cwe) {
      return Codes.concept(ctx, cwe);
    }
    String t = text(obx);
    return t.isEmpty() ? Optional.empty() : Optional.of(new CodeableConcept().setText(t));
  }

  /** OBX-5 first component as text. */
  private static String text(OBX obx) {
    Varies[] values = obx.getObx5_ObservationValue();
    if (values.length == 0) {
      return "";
    }
    var data = values[0].getData();
    if (data instanceof Primitive p) {
      return s(p);
    }
    if (data instanceof TS ts) {
      return s(ts.getTs1_Time());
    }
    if (data instanceof CE ce) {
      return s(ce.getCe1_Identifier());
    }
    if (data instanceof CWE cwe) {
      return s(cwe.getCwe1_Identifier());
    }
    if (data instanceof ca.uhn.hl7v2.model.Composite c) {
      try {
        var first = c.getComponent(0);
        return first instanceof Primitive p ? s(p) : "";
      } catch (Exception e) {
        return "";
      }
    }
    return "";
  }

  private static Optional<DateTimeType> date(MappingContext ctx, SegmentRef ref, OBX obx) {
    return ctx.dateTime(text(obx), ref.at(5, 1), "OBX-5");
  }
}
