package cn.healthcard.hub.mappings.hl7v2.qbp;

import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.vxu.RxaToImmunization;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.Immunization.ImmunizationEducationComponent;
import org.hl7.fhir.r4.model.Immunization.ImmunizationPerformerComponent;
import org.hl7.fhir.r4.model.Immunization.ImmunizationProtocolAppliedComponent;
import org.hl7.fhir.r4.model.Immunization.ImmunizationReactionComponent;
import org.hl7.fhir.r4.model.ImmunizationRecommendation;
import org.hl7.fhir.r4.model.ImmunizationRecommendation.ImmunizationRecommendationRecommendationComponent;
import org.hl7.fhir.r4.model.ImmunizationRecommendation.ImmunizationRecommendationRecommendationDateCriterionComponent;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.PositiveIntType;
import org.hl7.fhir.r4.model.Practitioner;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Type;

/**
 * Immunization to an ORDER group (ORC, RXA, RXR, OBX), the reverse of the VXU mapping, and
 * ImmunizationRecommendation to the CDC forecast group (ORC, RXA with CVX 998 "no vaccine
 * administered", OBX per recommendation).
 *
 * <ul>
 *   <li>ORC-2 the placer number (PLAC), ORC-3 the filler number (FILL), else the hub's id of the
 *       Immunization; ORC-12 the ordering provider (performer OP).
 *   <li>RXA-3/4 occurrence, RXA-5 vaccineCode (first coding, second as alternate), RXA-6/7 dose
 *       (999 when unknown), RXA-9 reportOrigin as stored, else {@code 00}/{@code 01} from
 *       primarySource, RXA-10 performer AP, RXA-11 location, RXA-15 lot, RXA-16 expiration, RXA-17
 *       manufacturer, RXA-18 statusReason (without the PATOBJ coding the hub adds), RXA-19
 *       reasonCode, RXA-20 CP/PA/RE/NA, RXA-21 A (D for entered-in-error), RXA-22 recorded.
 *   <li>RXR-1 route, RXR-2 site.
 *   <li>OBX 30963-3 fundingSource, 64994-7 programEligibility, 69764-9/29768-9/29769-7 education,
 *       30973-2/59782-3/59779-9 protocolApplied, 31044-1 reaction (the Observation's coded value).
 * </ul>
 */
final class ImmunizationToOrder {

  private final Er7 w;
  private final FhirToV2 v;
  private final Map<String, Resource> referenced;
  private final String hubFacility;
  private int obxSequence;

  ImmunizationToOrder(Er7 w, FhirToV2 v, Map<String, Resource> referenced, String hubFacility) {
    this.w = w;
    this.v = v;
    this.referenced = referenced;
    this.hubFacility = hubFacility;
  }

  String order(Immunization imm) {
    StringBuilder sb = new StringBuilder();
    Er7.Segment orc = w.segment("ORC").set(1, "RE");
    Optional<Identifier> placer = typed(imm, "PLAC");
    Optional<Identifier> filler = typed(imm, "FILL");
    placer.ifPresent(p -> orc.set(2, v.ei(p)));
    if (filler.isPresent()) {
      orc.set(3, v.ei(filler.get()));
    } else if (imm.getIdElement().hasIdPart()) {
      orc.set(3, w.comp(w.esc(imm.getIdElement().getIdPart()), w.esc(hubFacility)));
    } else {
      orc.set(3, "9999");
    }
    List<String> ordering = new ArrayList<>();
    List<String> administering = new ArrayList<>();
    for (ImmunizationPerformerComponent p : imm.getPerformer()) {
      String function = p.getFunction().getCoding().stream().map(Coding::getCode).findFirst().orElse("");
      String xcn = xcn(p.getActor());
      if (function.equals("OP")) {
        ordering.add(xcn);
      } else if (function.equals("AP") || function.isEmpty()) {
        administering.add(xcn);
      }
    }
    orc.set(12, w.reps(ordering));
    sb.append(orc.text());

    Er7.Segment rxa = w.segment("RXA").set(1, "0").set(2, "1");
    String when = imm.hasOccurrenceDateTimeType() ? v.ts(imm.getOccurrenceDateTimeType()) : "";
    rxa.set(3, when).set(4, when);
    rxa.set(5, v.ce(imm.getVaccineCode()));
    if (imm.hasDoseQuantity() && imm.getDoseQuantity().hasValue()) {
      Quantity q = imm.getDoseQuantity();
      rxa.set(6, w.esc(q.getValue().toPlainString()));
      if (q.hasCode() && Codes.UCUM.equals(q.getSystem())) {
        String unit = q.hasUnit() && !q.getUnit().equals(q.getCode()) ? q.getUnit() : "";
        rxa.set(7, w.comp(w.esc(q.getCode()), w.esc(unit), "UCUM"));
      } else if (q.hasUnit()) {
        rxa.set(7, w.esc(q.getUnit()));
      }
    } else {
      rxa.set(6, "999");
    }
    if (imm.hasReportOrigin()) {
      rxa.set(9, v.ce(imm.getReportOrigin(), c -> !RxaToImmunization.ORIGIN.equals(c.getSystem())));
    } else if (imm.hasPrimarySource()) {
      rxa.set(9, imm.getPrimarySource() ? w.comp("00", "New immunization record", "NIP001")
          : w.comp("01", "Historical information - source unspecified", "NIP001"));
    }
    rxa.set(10, w.reps(administering));
    if (imm.hasLocation()) {
      rxa.set(11, w.comp("", "", "", location(imm.getLocation())));
    }
    if (imm.hasLotNumber()) {
      rxa.set(15, w.esc(imm.getLotNumber()));
    }
    if (imm.hasExpirationDate()) {
      rxa.set(16, v.ts(imm.getExpirationDateElement()));
    }
    if (imm.hasManufacturer()) {
      rxa.set(17, manufacturer(imm.getManufacturer()));
    }
    boolean refused = imm.hasStatusReason() && imm.getStatusReason().getCoding().stream()
        .anyMatch(c -> RxaToImmunization.ACT_REASON.equals(c.getSystem()) && "PATOBJ".equals(c.getCode()));
    if (imm.hasStatusReason()) {
      rxa.set(18, v.ce(imm.getStatusReason(),
          c -> !(RxaToImmunization.ACT_REASON.equals(c.getSystem()) && "PATOBJ".equals(c.getCode()))));
    }
    rxa.set(19, w.reps(imm.getReasonCode().stream().map(v::ce).toList()));
    String completion = switch (imm.getStatus()) {
      case NOTDONE -> refused ? "RE" : "NA";
      default -> imm.getIsSubpotent() ? "PA" : "CP";
    };
    rxa.set(20, completion);
    rxa.set(21, imm.getStatus() == Immunization.ImmunizationStatus.ENTEREDINERROR ? "D" : "A");
    if (imm.hasRecorded()) {
      rxa.set(22, v.ts(imm.getRecordedElement()));
    }
    sb.append(rxa.text());

    if (imm.hasRoute() || imm.hasSite()) {
      sb.append(w.segment("RXR").set(1, v.ce(imm.getRoute())).set(2, v.ce(imm.getSite())).text());
    }
    int sub = 1;
    boolean program = false;
    for (CodeableConcept c : imm.getProgramEligibility()) {
      sb.append(obx("CE", "64994-7", "Vaccine funding program eligibility category", sub, v.ce(c)));
      program = true;
    }
    if (imm.hasFundingSource()) {
      sb.append(obx("CE", "30963-3", "Vaccine funding source", sub, v.ce(imm.getFundingSource())));
      program = true;
    }
    if (program) {
      sub++;
    }
    for (ImmunizationEducationComponent e : imm.getEducation()) {
      if (e.hasDocumentType()) {
        String type = e.getDocumentType();
        sb.append(obx("CE", "69764-9", "Document type", sub,
            type.matches("\\d{10,}") ? w.comp(w.esc(type), "", "CDCGS1VIS") : w.esc(type)));
      }
      if (e.hasPublicationDate()) {
        sb.append(obx("DT", "29768-9", "Date vaccine information statement published", sub,
            v.ts(e.getPublicationDateElement())));
      }
      if (e.hasPresentationDate()) {
        sb.append(obx("DT", "29769-7", "Date vaccine information statement presented", sub,
            v.ts(e.getPresentationDateElement())));
      }
      sub++;
    }
    for (ImmunizationProtocolAppliedComponent p : imm.getProtocolApplied()) {
      sb.append(obx("NM", "30973-2", "Dose number in series", sub, count(p.getDoseNumber())));
      if (p.hasSeriesDoses()) {
        sb.append(obx("NM", "59782-3", "Number of doses in primary series", sub, count(p.getSeriesDoses())));
      }
      if (p.hasSeries()) {
        sb.append(obx("CE", "59779-9", "Immunization schedule used", sub, w.comp("", w.esc(p.getSeries()))));
      }
      sub++;
    }
    for (ImmunizationReactionComponent r : imm.getReaction()) {
      Optional<Resource> o = resolve(r.getDetail());
      if (o.isPresent() && o.get() instanceof Observation obs && obs.hasValueCodeableConcept()) {
        sb.append(obx("CE", "31044-1", "Reaction", sub, v.ce(obs.getValueCodeableConcept())));
        sub++;
      }
    }
    return sb.toString();
  }

  /** The forecast of one ImmunizationRecommendation (Z42): ORC, RXA 998, OBX per recommendation. */
  String forecast(ImmunizationRecommendation rec) {
    StringBuilder sb = new StringBuilder();
    String id = rec.getIdElement().hasIdPart() ? rec.getIdElement().getIdPart() : "9999";
    sb.append(w.segment("ORC").set(1, "RE").set(3, w.comp(w.esc(id), w.esc(hubFacility))).text());
    String date = rec.hasDate() ? v.ts(rec.getDateElement()) : "";
    sb.append(w.segment("RXA").set(1, "0").set(2, "1").set(3, date).set(4, date)
        .set(5, w.comp("998", "No vaccine administered", "CVX")).set(6, "999").set(20, "NA").text());
    int sub = 1;
    for (ImmunizationRecommendationRecommendationComponent r : rec.getRecommendation()) {
      if (r.hasVaccineCode()) {
        sb.append(obx("CE", "30979-9", "Vaccines due next", sub, v.ce(r.getVaccineCodeFirstRep())));
      } else if (r.hasTargetDisease()) {
        sb.append(obx("CE", "30979-9", "Vaccines due next", sub, v.ce(r.getTargetDisease())));
      }
      for (ImmunizationRecommendationRecommendationDateCriterionComponent c : r.getDateCriterion()) {
        String code = c.getCode().getCoding().stream()
            .filter(x -> Codes.LOINC.equals(x.getSystem())).map(Coding::getCode).findFirst().orElse("");
        String name = switch (code) {
          case "30980-7" -> "Date vaccine due";
          case "30981-5" -> "Earliest date to give";
          case "59777-3" -> "Latest date to give immunization";
          case "59778-1" -> "Date when overdue for immunization";
          default -> null;
        };
        if (name != null && c.hasValue()) {
          sb.append(obx("DT", code, name, sub, v.ts(c.getValueElement()).replaceAll("^(\\d{8}).*", "$1")));
        }
      }
      if (r.hasForecastStatus()) {
        sb.append(obx("CE", "59783-1", "Status in immunization series", sub, v.ce(r.getForecastStatus())));
      }
      if (r.hasDoseNumber()) {
        sb.append(obx("NM", "30973-2", "Dose number in series", sub, count(r.getDoseNumber())));
      }
      if (r.hasSeriesDoses()) {
        sb.append(obx("NM", "59782-3", "Number of doses in primary series", sub, count(r.getSeriesDoses())));
      }
      if (r.hasSeries()) {
        sb.append(obx("CE", "59779-9", "Immunization schedule used", sub, w.comp("", w.esc(r.getSeries()))));
      }
      sub++;
    }
    return sb.toString();
  }

  private String obx(String type, String loinc, String name, int sub, String value) {
    return w.segment("OBX").set(1, Integer.toString(++obxSequence)).set(2, type)
        .set(3, w.comp(loinc, w.esc(name), "LN")).set(4, Integer.toString(sub)).set(5, value).set(11, "F").text();
  }

  private String count(Type t) {
    if (t instanceof PositiveIntType p) {
      return p.getValueAsString();
    }
    if (t instanceof StringType s) {
      return w.esc(s.getValue());
    }
    return "";
  }

  private static Optional<Identifier> typed(Immunization imm, String type) {
    return imm.getIdentifier().stream().filter(i -> i.hasType() && i.getType().getCoding().stream()
        .anyMatch(c -> type.equals(c.getCode()))).findFirst();
  }

  private Optional<Resource> resolve(Reference ref) {
    if (ref == null || !ref.hasReference()) {
      return Optional.empty();
    }
    return Optional.ofNullable(referenced.get(ref.getReference()));
  }

  private String xcn(Reference actor) {
    Optional<Resource> r = resolve(actor);
    if (r.isPresent() && r.get() instanceof Practitioner p) {
      return v.xcn(p.getIdentifier().stream().findFirst(),
          p.getName().stream().findFirst(), actor.getDisplay());
    }
    return v.xcn(actor.hasIdentifier() ? Optional.of(actor.getIdentifier()) : Optional.empty(),
        Optional.<HumanName>empty(), actor.getDisplay());
  }

  private String location(Reference ref) {
    Optional<Resource> r = resolve(ref);
    if (r.isPresent() && r.get() instanceof Location l) {
      String id = l.getIdentifier().stream().map(Identifier::getValue).findFirst().orElse(l.getName());
      return w.esc(id == null ? "" : id);
    }
    return w.esc(ref.hasDisplay() ? ref.getDisplay() : "");
  }

  private String manufacturer(Reference ref) {
    Optional<Resource> r = resolve(ref);
    Identifier id = null;
    String name = ref.getDisplay();
    if (r.isPresent() && r.get() instanceof Organization o) {
      id = o.getIdentifier().stream().filter(i -> !i.getSystem().startsWith(HubCodeSystems.BASE + "/NamingSystem/"))
          .findFirst().orElse(o.getIdentifierFirstRep());
      name = o.getName();
    } else if (ref.hasIdentifier()) {
      id = ref.getIdentifier();
    }
    if (id == null || !id.hasValue()) {
      return name == null ? "" : w.comp("", w.esc(name));
    }
    return w.comp(w.esc(id.getValue()), w.esc(name), w.esc(Codes.v2Name(id.getSystem())));
  }
}
