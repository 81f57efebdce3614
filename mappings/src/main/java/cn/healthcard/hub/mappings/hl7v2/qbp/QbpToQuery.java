package cn.healthcard.hub.mappings.hl7v2.qbp;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.Message;
import ca.uhn.hl7v2.model.Type;
import ca.uhn.hl7v2.model.v251.datatype.CE;
import ca.uhn.hl7v2.model.v251.datatype.CQ;
import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.datatype.IS;
import ca.uhn.hl7v2.model.v251.datatype.ST;
import ca.uhn.hl7v2.model.v251.datatype.TS;
import ca.uhn.hl7v2.model.v251.datatype.XAD;
import ca.uhn.hl7v2.model.v251.datatype.XPN;
import ca.uhn.hl7v2.model.v251.datatype.XTN;
import ca.uhn.hl7v2.parser.EncodingCharacters;
import ca.uhn.hl7v2.parser.PipeParser;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7Error;
import cn.healthcard.hub.mappings.hl7v2.codec.Delimiters;
import cn.healthcard.hub.mappings.hl7v2.datatype.Addresses;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Names;
import cn.healthcard.hub.mappings.hl7v2.datatype.Telecoms;
import cn.healthcard.hub.mappings.hl7v2.datatype.Timestamps;
import cn.healthcard.hub.mappings.hl7v2.datatype.V2;
import cn.healthcard.hub.mappings.hl7v2.parse.SupportedMessages;
import cn.healthcard.hub.mappings.hl7v2.segment.PidToPatient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.ContactPoint;
import org.hl7.fhir.r4.model.ContactPoint.ContactPointUse;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.HumanName;
import org.hl7.fhir.r4.model.Identifier;

/**
 * QBP^Q11 (CDC IIS guide, profiles Z34 and Z44) to the query the hub answers. The QPD fields after
 * QPD-2 are the query's own (HAPI's QPD knows only three), so each is read from the segment as
 * received into the datatype the profile gives it: QPD-3 CX (repeating), QPD-4 and QPD-5 XPN,
 * QPD-6 TS, QPD-7 IS, QPD-8 XAD, QPD-9 XTN. RCP-2 (quantity limited request) is read as the
 * number of candidates the sender accepts.
 *
 * <p>Errors: no QPD (AE 100 at {@code QPD^1}); QPD-1 empty (AE 101 at {@code QPD^1^1}); a query
 * name the hub does not answer (AR 103 at {@code QPD^1^1}); QPD-2 empty (AE 101 at
 * {@code QPD^1^2}); an invalid health-card or identity-card number (AE 102 at
 * {@code QPD^1^3^<rep>}); neither QPD-3 nor QPD-4 with QPD-6 (AE 101 at {@code QPD^1^3}); QPD-6
 * not a date (AE 102 at {@code QPD^1^6}); QPD-7 not a sex code (AE 103 at {@code QPD^1^7}).
 */
public final class QbpToQuery {

  private static final PipeParser PARSER = PipeParser.getInstanceWithNoValidation();

  /** The parsed query, or why there is none. */
  public sealed interface Outcome permits Parsed, Failed {}

  /** A query to answer. */
  public record Parsed(String queryName, String queryTag, QueryParameters parameters, OptionalInt quantityLimit,
      String qpd) implements Outcome {}

  /** The errors, and the QPD as received (empty when there was none) for the reply's echo. */
  public record Failed(List<Hl7Error> errors, Optional<String> qpd) implements Outcome {}

  private QbpToQuery() {}

  public static Outcome parse(MappingContext ctx) {
    Delimiters d = ctx.message().delimiters();
    Optional<String> qpd = rawSegment(ctx.message().text(), "QPD", d);
    if (qpd.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("QPD", 1), "a QBP needs a QPD segment");
      return new Failed(ctx.errors(), Optional.empty());
    }
    Message message = ctx.message().message();
    List<String> fields = split(qpd.get(), d.field());
    EncodingCharacters enc = new EncodingCharacters(d.field(), d.component(), d.repetition(), d.escape(), d.subcomponent());
    List<CE> names = read(fields, 1, d, enc, () -> new CE(message));
    String queryName = names.isEmpty() ? "" : s(names.get(0).getCe1_Identifier());
    if (queryName.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ErrorLocation.field("QPD", 1, 1),
          "QPD-1 (message query name) is required");
    } else if (!SupportedMessages.QUERY_NAMES.contains(queryName)) {
      return new Failed(List.of(Hl7Error.reject(ErrorCode.TABLE_VALUE_NOT_FOUND, ErrorLocation.field("QPD", 1, 1),
          "the hub answers queries Z34 and Z44 only")), qpd);
    }
    List<ST> tags = read(fields, 2, d, enc, () -> new ST(message));
    String tag = tags.isEmpty() ? "" : s(tags.get(0));
    if (tag.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ErrorLocation.field("QPD", 1, 2), "QPD-2 (query tag) is required");
    }

    List<Identifier> identifiers = new ArrayList<>();
    Identifier card = null;
    List<CX> cxs = read(fields, 3, d, enc, () -> new CX(message));
    for (int i = 0; i < cxs.size(); i++) {
      CX cx = cxs.get(i);
      if (s(cx.getCx1_IDNumber()).isEmpty()) {
        continue;
      }
      if (PidToPatient.isPersonNumber(cx)) {
        Optional<PidToPatient.PersonNumber> n =
            PidToPatient.personNumber(ctx, cx, ErrorLocation.repetition("QPD", 1, 3, i + 1), "QPD-3");
        if (n.isPresent()) {
          if (n.get().healthCard() && card == null) {
            card = n.get().identifier();
            identifiers.add(0, card);
          } else {
            identifiers.add(n.get().identifier());
          }
        }
      } else {
        identifiers.add(Identifiers.fromCx(ctx, cx, PidToPatient.defaultMrnSystem(ctx)));
      }
    }
    Optional<HumanName> name = first(read(fields, 4, d, enc, () -> new XPN(message)), Names::fromXpn);
    Optional<String> mother = read(fields, 5, d, enc, () -> new XPN(message)).stream()
        .map(x -> s(x.getXpn1_FamilyName().getFn1_Surname())).filter(f -> !f.isEmpty()).findFirst();
    List<TS> births = read(fields, 6, d, enc, () -> new TS(message));
    Optional<String> birthDate = births.isEmpty() ? Optional.empty()
        : ctx.timestamp(s(births.get(0).getTs1_Time()), ErrorLocation.field("QPD", 1, 6), "QPD-6")
            .map(Timestamps.Parsed::date);
    List<IS> sexes = read(fields, 7, d, enc, () -> new IS(message, 1));
    Optional<AdministrativeGender> gender = Optional.empty();
    String sex = sexes.isEmpty() ? "" : s(sexes.get(0));
    if (!sex.isEmpty()) {
      gender = Optional.ofNullable(switch (sex) {
        case "M", "1" -> AdministrativeGender.MALE;
        case "F", "2" -> AdministrativeGender.FEMALE;
        case "U", "0", "9" -> AdministrativeGender.UNKNOWN;
        case "O", "A", "N" -> AdministrativeGender.OTHER;
        default -> null;
      });
      if (gender.isEmpty()) {
        ctx.error(ErrorCode.TABLE_VALUE_NOT_FOUND, ErrorLocation.field("QPD", 1, 7),
            "QPD-7 must be a sex code of HL7 table 0001 or GB/T 2261.1");
      }
    }
    Optional<Address> address = first(read(fields, 8, d, enc, () -> new XAD(message)), x -> Addresses.fromXad(ctx, x));
    Optional<ContactPoint> phone = first(read(fields, 9, d, enc, () -> new XTN(message)),
        x -> Telecoms.fromXtn(x, ContactPointUse.HOME));
    if (identifiers.isEmpty() && cxs.stream().allMatch(cx -> s(cx.getCx1_IDNumber()).isEmpty())
        && (name.isEmpty() || birthDate.isEmpty())) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ErrorLocation.field("QPD", 1, 3),
          "QPD-3 (patient identifiers), or QPD-4 (name) with QPD-6 (birth date), must name the patient");
    }
    if (ctx.hasErrors()) {
      return new Failed(ctx.errors(), qpd);
    }
    return new Parsed(queryName, tag,
        new QueryParameters(identifiers, Optional.ofNullable(card), name, mother, birthDate, gender, address, phone),
        quantityLimit(ctx, d, enc), qpd.get());
  }

  /** RCP-2.1 when it is a positive number. */
  private static OptionalInt quantityLimit(MappingContext ctx, Delimiters d, EncodingCharacters enc) {
    Optional<String> rcp = rawSegment(ctx.message().text(), "RCP", d);
    if (rcp.isEmpty()) {
      return OptionalInt.empty();
    }
    List<CQ> cq = read(split(rcp.get(), d.field()), 2, d, enc, () -> new CQ(ctx.message().message()));
    String n = cq.isEmpty() ? "" : s(cq.get(0).getCq1_Quantity());
    return n.matches("[1-9]\\d{0,6}") ? OptionalInt.of(Integer.parseInt(n)) : OptionalInt.empty();
  }

  /** The first segment with this id in the text, as received. */
  public static Optional<String> rawSegment(String text, String id, Delimiters d) {
    for (String line : text.split("\r\n|\r|\n")) {
      if (line.startsWith(id + d.field())) {
        return Optional.of(line);
      }
    }
    return Optional.empty();
  }

  /** Field {@code n} of a segment line (not MSH), as received; "" when absent. */
  public static String field(String segment, int n, Delimiters d) {
    List<String> f = split(segment, d.field());
    return n < f.size() ? f.get(n) : "";
  }

  private static <T extends Type> List<T> read(List<String> fields, int n, Delimiters d, EncodingCharacters enc,
      java.util.function.Supplier<T> factory) {
    if (n >= fields.size() || fields.get(n).isEmpty()) {
      return List.of();
    }
    List<T> out = new ArrayList<>();
    for (String rep : split(fields.get(n), d.repetition())) {
      T t = factory.get();
      try {
        PARSER.parse(t, rep, enc);
      } catch (Exception e) {
        continue;
      }
      if (!V2.isEmpty(t)) {
        out.add(t);
      }
    }
    return out;
  }

  private static <T, R> Optional<R> first(List<T> values, Function<T, Optional<R>> f) {
    for (T v : values) {
      Optional<R> r = f.apply(v);
      if (r.isPresent()) {
        return r;
      }
    }
    return Optional.empty();
  }

  public static List<String> split(String s, char sep) {
    List<String> out = new ArrayList<>();
    int from = 0;
    while (true) {
      int i = s.indexOf(sep, from);
      if (i < 0) {
        out.add(s.substring(from));
        return out;
      }
      out.add(s.substring(from, i));
      from = i + 1;
    }
  }
}
