package cn.healthcard.hub.mappings.hl7v2.segment;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CWE;
import ca.uhn.hl7v2.model.v251.datatype.IS;
import ca.uhn.hl7v2.model.v251.datatype.SN;
import ca.uhn.hl7v2.model.v251.datatype.TS;
import ca.uhn.hl7v2.model.v251.segment.NTE;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.PipeParser;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Timestamps;
import cn.healthcard.hub.mappings.hl7v2.datatype.V2;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Observation.ObservationReferenceRangeComponent;
import org.hl7.fhir.r4.model.Observation.ObservationStatus;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Quantity.QuantityComparator;
import org.hl7.fhir.r4.model.Range;
import org.hl7.fhir.r4.model.Ratio;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.TimeType;
import org.hl7.fhir.r4.model.Type;

/**
 * OBX (with its NTEs) to Observation (v2-to-FHIR OBX[Observation]). OBX-5 by OBX-2: NM
 * valueQuantity (units from OBX-6: UCUM when OBX-6.3 says so, else the unit as sent), SN
 * valueQuantity with comparator / valueRange / valueRatio, CE/CWE valueCodeableConcept,
 * ST/TX/FT valueString (repetitions and {@code \.br\} as line breaks), DT/TS/DTM valueDateTime,
 * TM valueTime, any other type of table 0125 valueString as sent. OBX-7 referenceRange (low/high
 * when it reads {@code a-b}, {@code <b}, {@code >a}; always the text as sent), OBX-8
 * interpretation, OBX-11 status, OBX-14 effective time.
 */
public final class ObxToObservation {

  private static final String INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation";
  private static final Set<String> V3_INTERPRETATIONS = Set.of(
      "<", ">", "A", "AA", "B", "D", "H", "HH", "HU", "HX", "I", "IE", "L", "LL", "LU", "LX", "MS", "N",
      "NEG", "NR", "NS", "POS", "R", "S", "U", "VS", "W");
  /** Table 0125, value types. */
  private static final Set<String> VALUE_TYPES = Set.of(
      "AD", "CE", "CF", "CK", "CN", "CP", "CWE", "CX", "DT", "DTM", "ED", "FT", "ID", "MO", "NM", "PN",
      "RP", "SN", "ST", "TM", "TN", "TS", "TX", "XAD", "XCN", "XON", "XPN", "XTN", "CNE", "IS", "NA");
  private static final Pattern RANGE = Pattern.compile("\\s*(-?\\d+(?:\\.\\d+)?)\\s*[-~～—]\\s*(-?\\d+(?:\\.\\d+)?)\\s*");
  private static final Pattern BOUND = Pattern.compile("\\s*(<=|>=|<|>|≤|≥)\\s*(-?\\d+(?:\\.\\d+)?)\\s*");
  private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");

  private ObxToObservation() {}

  /**
   * The Observation of an OBX (not yet added to the transaction), or empty with errors recorded.
   *
   * @param notes the NTE segments that follow the OBX
   */
  public static Optional<Observation> map(MappingContext ctx, SegmentRef ref, List<SegmentRef> notes,
      ObservationStatus fallbackStatus, Optional<DateTimeType> fallbackTime) {
    OBX obx = ref.as(OBX.class);
    Observation o = ctx.stamp(new Observation());
    Optional<CodeableConcept> code = Codes.concept(ctx, obx.getObx3_ObservationIdentifier());
    if (code.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(3), "OBX-3 (observation identifier) is required");
      return Optional.empty();
    }
    o.setCode(code.get());
    o.setStatus(status(s(obx.getObx11_ObservationResultStatus()), fallbackStatus));
    String valueType = s(obx.getObx2_ValueType());
    Varies[] values = obx.getObx5_ObservationValue();
    boolean hasValue = false;
    for (Varies v : values) {
      hasValue |= !V2.isEmpty(v);
    }
    if (hasValue) {
      if (valueType.isEmpty()) {
        ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(2), "OBX-2 (value type) is required when OBX-5 is valued");
        return Optional.empty();
      }
      if (!VALUE_TYPES.contains(valueType)) {
        ctx.error(ErrorCode.TABLE_VALUE_NOT_FOUND, ref.at(2), "OBX-2 is not a value type of HL7 table 0125");
        return Optional.empty();
      }
      value(ctx, ref, obx, valueType, values).ifPresent(o::setValue);
    }
    String range = s(obx.getObx7_ReferencesRange());
    if (!range.isEmpty()) {
      o.addReferenceRange(referenceRange(range, units(ctx, obx.getObx6_Units())));
    }
    for (IS flag : obx.getObx8_AbnormalFlags()) {
      String f = s(flag);
      if (!f.isEmpty()) {
        o.addInterpretation(new CodeableConcept().addCoding(V3_INTERPRETATIONS.contains(f)
            ? new Coding(INTERPRETATION, f, null)
            : Codes.coding(ctx, Codes.table("0078"), f, null)));
      }
    }
    Optional<DateTimeType> when = ctx.dateTime(s(obx.getObx14_DateTimeOfTheObservation().getTs1_Time()), ref.at(14), "OBX-14");
    (when.isPresent() ? when : fallbackTime).ifPresent(o::setEffective);
    for (SegmentRef nte : notes) {
      StringBuilder text = new StringBuilder();
      for (var ft : nte.as(NTE.class).getNte3_Comment()) {
        if (text.length() > 0) {
          text.append('\n');
        }
        text.append(formatted(s(ft)));
      }
      if (text.length() > 0) {
        o.addNote().setText(text.toString());
      }
    }
    return Optional.of(o);
  }

  static ObservationStatus status(String code, ObservationStatus fallback) {
    return switch (code) {
      case "F", "U" -> ObservationStatus.FINAL;
      case "C" -> ObservationStatus.CORRECTED;
      case "P", "R", "S" -> ObservationStatus.PRELIMINARY;
      case "I", "O" -> ObservationStatus.REGISTERED;
      case "D", "W" -> ObservationStatus.ENTEREDINERROR;
      case "X", "N" -> ObservationStatus.CANCELLED;
      default -> fallback == null ? ObservationStatus.UNKNOWN : fallback;
    };
  }

  private static Optional<Type> value(MappingContext ctx, SegmentRef ref, OBX obx, String type, Varies[] values) {
    ca.uhn.hl7v2.model.Type first = values[0].getData();
    switch (type) {
      case "NM" -> {
        String v = primitive(first);
        if (!NUMBER.matcher(v).matches()) {
          ctx.error(ErrorCode.DATA_TYPE_ERROR, ref.at(5, 1), "OBX-5 is not a number but OBX-2 says NM");
          return Optional.empty();
        }
        Quantity q = units(ctx, obx.getObx6_Units());
        q.setValue(new BigDecimal(v));
        return Optional.of(q);
      }
      case "SN" -> {
        return structuredNumeric(ctx, ref, obx, first);
      }
      case "CE", "CWE", "CNE", "CF" -> {
        Optional<CodeableConcept> cc = first instanceof CWE cwe ? Codes.concept(ctx, cwe)
            : first instanceof CE ce ? Codes.concept(ctx, ce)
            : Optional.of(new CodeableConcept().setText(encoded(ctx, first)));
        return cc.map(c -> c);
      }
      case "ST", "TX", "FT" -> {
        List<String> lines = new ArrayList<>();
        for (Varies v : values) {
          lines.add(formatted(primitive(v.getData())));
        }
        return Optional.of(new StringType(String.join("\n", lines)));
      }
      case "DT", "TS", "DTM" -> {
        String v = first instanceof TS ts ? s(ts.getTs1_Time()) : primitive(first);
        return ctx.timestamp(v, ref.at(5, 1), "OBX-5").map(t -> new DateTimeType(t.dateTime()));
      }
      case "TM" -> {
        String v = primitive(first);
        Matcher m = Pattern.compile("(\\d{2})(\\d{2})?(\\d{2})?(\\.\\d+)?([+-]\\d{4})?").matcher(v);
        if (!m.matches() || Integer.parseInt(m.group(1)) > 23) {
          ctx.error(ErrorCode.DATA_TYPE_ERROR, ref.at(5, 1), "OBX-5 is not an HL7 time (HHMMSS) but OBX-2 says TM");
          return Optional.empty();
        }
        return Optional.of(new TimeType(m.group(1) + ":" + (m.group(2) == null ? "00" : m.group(2)) + ":"
            + (m.group(3) == null ? "00" : m.group(3))));
      }
      default -> {
        List<String> parts = new ArrayList<>();
        for (Varies v : values) {
          parts.add(encoded(ctx, v.getData()));
        }
        return Optional.of(new StringType(String.join("\n", parts)));
      }
    }
  }

  private static Optional<Type> structuredNumeric(MappingContext ctx, SegmentRef ref, OBX obx,
      ca.uhn.hl7v2.model.Type data) {
    if (!(data instanceof SN sn)) {
      return Optional.of(new StringType(encoded(ctx, data)));
    }
    String comparator = s(sn.getSn1_Comparator());
    String n1 = s(sn.getSn2_Num1());
    String sep = s(sn.getSn3_SeparatorSuffix());
    String n2 = s(sn.getSn4_Num2());
    if ((!n1.isEmpty() && !NUMBER.matcher(n1).matches()) || (!n2.isEmpty() && !NUMBER.matcher(n2).matches())) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, ref.at(5, 1), "OBX-5 SN numbers (components 2 and 4) must be numeric");
      return Optional.empty();
    }
    if ((sep.equals(":") || sep.equals("/")) && !n1.isEmpty() && !n2.isEmpty()) {
      return Optional.of(new Ratio()
          .setNumerator(new Quantity().setValue(new BigDecimal(n1)))
          .setDenominator(new Quantity().setValue(new BigDecimal(n2))));
    }
    if (sep.equals("-") && !n1.isEmpty() && !n2.isEmpty()) {
      Quantity low = units(ctx, obx.getObx6_Units()).setValue(new BigDecimal(n1));
      Quantity high = units(ctx, obx.getObx6_Units()).setValue(new BigDecimal(n2));
      return Optional.of(new Range().setLow(low).setHigh(high));
    }
    if (!sep.isEmpty() || n1.isEmpty() || comparator.equals("<>")) {
      return Optional.of(new StringType(comparator + n1 + sep + n2));
    }
    Quantity q = units(ctx, obx.getObx6_Units()).setValue(new BigDecimal(n1));
    switch (comparator) {
      case "<" -> q.setComparator(QuantityComparator.LESS_THAN);
      case "<=" -> q.setComparator(QuantityComparator.LESS_OR_EQUAL);
      case ">" -> q.setComparator(QuantityComparator.GREATER_THAN);
      case ">=" -> q.setComparator(QuantityComparator.GREATER_OR_EQUAL);
      case "", "=" -> { }
      default -> {
        ctx.error(ErrorCode.DATA_TYPE_ERROR, ref.at(5, 1, 1), "OBX-5 SN comparator must be one of > < >= <= = <>");
        return Optional.empty();
      }
    }
    return Optional.of(q);
  }

  /** A Quantity carrying OBX-6: UCUM when OBX-6.3 is UCUM, else the unit as sent. */
  static Quantity units(MappingContext ctx, CE units) {
    Quantity q = new Quantity();
    String code = s(units.getCe1_Identifier());
    String text = s(units.getCe2_Text());
    String system = s(units.getCe3_NameOfCodingSystem());
    if (code.isEmpty() && text.isEmpty()) {
      return q;
    }
    if ("UCUM".equalsIgnoreCase(system) && !code.isEmpty()) {
      q.setSystem("http://unitsofmeasure.org").setCode(code).setUnit(text.isEmpty() ? code : text);
    } else {
      q.setUnit(text.isEmpty() ? code : text);
    }
    return q;
  }

  static ObservationReferenceRangeComponent referenceRange(String text, Quantity unitTemplate) {
    ObservationReferenceRangeComponent r = new ObservationReferenceRangeComponent();
    Matcher m = RANGE.matcher(text);
    if (m.matches()) {
      r.setLow(simple(unitTemplate, m.group(1)));
      r.setHigh(simple(unitTemplate, m.group(2)));
    } else {
      Matcher b = BOUND.matcher(text);
      if (b.matches()) {
        if (b.group(1).startsWith("<") || b.group(1).equals("≤")) {
          r.setHigh(simple(unitTemplate, b.group(2)));
        } else {
          r.setLow(simple(unitTemplate, b.group(2)));
        }
      }
    }
    r.setText(text);
    return r;
  }

  private static org.hl7.fhir.r4.model.SimpleQuantity simple(Quantity template, String value) {
    org.hl7.fhir.r4.model.SimpleQuantity q = new org.hl7.fhir.r4.model.SimpleQuantity();
    q.setValue(new BigDecimal(value));
    if (template.hasUnit()) {
      q.setUnit(template.getUnit());
    }
    if (template.hasSystem()) {
      q.setSystem(template.getSystem()).setCode(template.getCode());
    }
    return q;
  }

  private static String primitive(ca.uhn.hl7v2.model.Type t) {
    if (t instanceof Primitive p) {
      return s(p);
    }
    return "";
  }

  /** FT/TX formatting: {@code \.br\} (left in place by the parser) becomes a line break. */
  static String formatted(String text) {
    return text.replace("\\.br\\", "\n").replace("\\.BR\\", "\n");
  }

  private static String encoded(MappingContext ctx, ca.uhn.hl7v2.model.Type t) {
    try {
      var d = ctx.message().delimiters();
      String raw = PipeParser.encode(t, new EncodingCharacters(d.field(), d.component(), d.repetition(),
          d.escape(), d.subcomponent()));
      return raw;
    } catch (RuntimeException e) {
      return "";
    }
  }
}
