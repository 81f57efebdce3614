package cn.healthcard.hub.mappings.hl7v2.adt;

import static cn.healthcard.hub.mappings.birth.BirthReportShape.APGAR_10_MIN;
import static cn.healthcard.hub.mappings.birth.BirthReportShape.APGAR_1_MIN;
import static cn.healthcard.hub.mappings.birth.BirthReportShape.APGAR_5_MIN;
import static cn.healthcard.hub.mappings.birth.BirthReportShape.BIRTH_LENGTH;
import static cn.healthcard.hub.mappings.birth.BirthReportShape.BIRTH_WEIGHT;
import static cn.healthcard.hub.mappings.birth.BirthReportShape.GESTATIONAL_AGE;

import ca.uhn.hl7v2.model.v251.segment.OBX;
import cn.healthcard.hub.mappings.birth.BirthReportShape;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.ObxToObservation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;

/**
 * The newborn's measurements in a birth report: each OBX whose OBX-3 has a LOINC coding of
 * {@link BirthReportShape} (birth weight, birth length, gestational age, Apgar at 1, 5 and 10
 * minutes) is an Observation of the child in the delivery Encounter, by the OBX rules of ORU.
 * Other OBX stay in the kept message only, as in every ADT.
 *
 * <ul>
 *   <li>Conditional update on {@code <birth key>/<LOINC code>} ({@code #2}... when a code repeats)
 *       in the sender's {@code observation} namespace: a corrected value replaces the first.
 *   <li>OBX-11 empty means final: a measurement reported with the birth has been taken.
 *   <li>Effective OBX-14, else the birth time.
 *   <li>A unit sent without OBX-6.3 UCUM is tagged UCUM only when it names the unit the shape
 *       expects (g, cm, wk, {score}; the Chinese names 克, 厘米, 周, 分 too); an Apgar score without
 *       a unit gets {score}. Nothing is converted: a weight in kg stays in kg as sent.
 * </ul>
 */
final class BirthMeasurements {

  private static final String SCORE = "{score}";
  private static final Map<String, String> UCUM_BY_CODE = Map.of(
      BIRTH_WEIGHT, "g", BIRTH_LENGTH, "cm", GESTATIONAL_AGE, "wk",
      APGAR_1_MIN, SCORE, APGAR_5_MIN, SCORE, APGAR_10_MIN, SCORE);
  private static final Map<String, Set<String>> NAMES_BY_UCUM = Map.of(
      "g", Set.of("g", "克"),
      "cm", Set.of("cm", "厘米", "公分"),
      "wk", Set.of("wk", "周"),
      SCORE, Set.of(SCORE, "score", "分"));

  private BirthMeasurements() {}

  static void add(MappingContext ctx, String birthKey, String patientUrl, String encounterUrl, String organizationUrl,
      DateTimeType birthTime) {
    Map<String, Integer> seen = new HashMap<>();
    for (SegmentRef obx : ctx.message().all("OBX")) {
      Optional<String> code = birthCode(ctx, obx);
      if (code.isEmpty()) {
        continue;
      }
      Optional<Observation> mapped = ObxToObservation.map(ctx, obx, List.of(), ObservationStatus.FINAL,
          Optional.of(birthTime.copy()));
      if (mapped.isEmpty()) {
        continue;
      }
      Observation o = mapped.get();
      String key = birthKey + "/" + code.get();
      int n = seen.merge(key, 1, Integer::sum);
      o.addIdentifier(new Identifier().setSystem(ctx.sender().namespace("observation"))
          .setValue(n == 1 ? key : key + "#" + n));
      o.setSubject(new Reference(patientUrl));
      o.setEncounter(new Reference(encounterUrl));
      o.addPerformer(new Reference(organizationUrl));
      String ucum = UCUM_BY_CODE.get(code.get());
      if (o.getValue() instanceof Quantity q) {
        tagUcum(q, ucum);
      }
      o.getReferenceRange().forEach(r -> {
        if (r.hasLow()) {
          tagUcum(r.getLow(), ucum);
        }
        if (r.hasHigh()) {
          tagUcum(r.getHigh(), ucum);
        }
      });
      ctx.transaction().updateWhere(o, SearchUrls.identifierQuery(o.getIdentifier()));
    }
  }

  /** The LOINC code of the shape that OBX-3 carries (as its first or alternate coding). */
  private static Optional<String> birthCode(MappingContext ctx, SegmentRef obx) {
    return Codes.concept(ctx, obx.as(OBX.class).getObx3_ObservationIdentifier()).stream()
        .flatMap(c -> c.getCoding().stream())
        .filter(c -> BirthReportShape.LOINC.equals(c.getSystem()) && UCUM_BY_CODE.containsKey(c.getCode()))
        .map(Coding::getCode)
        .findFirst();
  }

  /** Tags a unit as sent with UCUM when it names the expected unit; a score without unit gets {score}. */
  private static void tagUcum(Quantity q, String ucum) {
    if (q.isEmpty() || q.hasSystem()) {
      return;
    }
    if (q.hasUnit() ? NAMES_BY_UCUM.get(ucum).contains(q.getUnit()) : ucum.equals(SCORE)) {
      q.setSystem(Codes.UCUM).setCode(ucum).setUnit(q.hasUnit() ? q.getUnit() : ucum);
    }
  }
}
