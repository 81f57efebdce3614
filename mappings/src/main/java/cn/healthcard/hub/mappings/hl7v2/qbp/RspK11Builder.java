package cn.healthcard.hub.mappings.hl7v2.qbp;

import cn.healthcard.hub.mappings.hl7v2.AckContext;
import cn.healthcard.hub.mappings.hl7v2.InboundResult;
import cn.healthcard.hub.mappings.hl7v2.ack.AckCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7Error;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7v2Ack;
import cn.healthcard.hub.mappings.hl7v2.codec.Delimiters;
import cn.healthcard.hub.mappings.hl7v2.codec.Hl7v2Decoder;
import cn.healthcard.hub.mappings.hl7v2.codec.RawHeader;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.Immunization;
import org.hl7.fhir.r4.model.ImmunizationRecommendation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * Builds the RSP^K11 answering a QBP^Q11 (CDC IIS guide), pure: the query, what the repository
 * found, and the reply's timestamp and control id in; the reply text (or bytes in the sender's
 * charset) out.
 *
 * <table>
 *   <caption>Replies</caption>
 *   <tr><th>answer</th><th>MSH-21</th><th>MSA-1</th><th>QAK-2</th><th>then</th></tr>
 *   <tr><td>{@link QueryAnswer.Found}, Z34</td><td>Z32</td><td>AA</td><td>OK</td>
 *       <td>PID, NK1, per Immunization ORC/RXA/RXR/OBX</td></tr>
 *   <tr><td>{@link QueryAnswer.Found}, Z44</td><td>Z42</td><td>AA</td><td>OK</td>
 *       <td>the same, then per ImmunizationRecommendation ORC/RXA 998/OBX</td></tr>
 *   <tr><td>{@link QueryAnswer.Candidates}</td><td>Z31</td><td>AA</td><td>OK</td>
 *       <td>PID (+NK1) per candidate; TM instead when there are more than RCP-2 allows</td></tr>
 *   <tr><td>{@link QueryAnswer.NotFound}</td><td>Z33</td><td>AA</td><td>NF</td><td></td></tr>
 *   <tr><td>{@link QueryAnswer.TooMany}</td><td>Z33</td><td>AA</td><td>TM</td><td></td></tr>
 *   <tr><td>an error ({@link #error})</td><td>Z33</td><td>AE/AR</td><td>AE/AR</td><td>ERR per error</td></tr>
 * </table>
 * Every reply echoes the QPD as received; QAK-1 is QPD-2 (query tag), QAK-3 is QPD-1 (query
 * name). MSH as for ACKs (sender and receiver swapped, the sender's delimiters, MSH-18 as sent).
 */
public final class RspK11Builder {

  private static final List<String> TYPE = List.of("RSP", "K11", "RSP_K11");

  private RspK11Builder() {}

  /** The reply to a query, as text (segments ended by CR). */
  public static String build(InboundResult.Query query, QueryAnswer answer, AckContext ctx) {
    Optional<RawHeader> header = Optional.of(query.header());
    Delimiters d = Hl7v2Ack.delimiters(header);
    Er7 w = new Er7(d);
    FhirToV2 v = new FhirToV2(w);
    if (answer instanceof QueryAnswer.Candidates c && query.quantityLimit().isPresent()
        && c.patients().size() > query.quantityLimit().getAsInt()) {
      answer = new QueryAnswer.TooMany();
    }
    if (answer instanceof QueryAnswer.Candidates c && c.patients().size() == 1) {
      answer = new QueryAnswer.Found(c.patients().get(0), List.of(), List.of(), List.of());
    }
    StringBuilder sb = new StringBuilder(1024);
    String status;
    String profile;
    if (answer instanceof QueryAnswer.Found) {
      status = "OK";
      profile = "Z44".equals(query.queryName()) ? "Z42" : "Z32";
    } else if (answer instanceof QueryAnswer.Candidates c && !c.patients().isEmpty()) {
      status = "OK";
      profile = "Z31";
    } else if (answer instanceof QueryAnswer.TooMany) {
      status = "TM";
      profile = "Z33";
    } else {
      status = "NF";
      profile = "Z33";
    }
    sb.append(Hl7v2Ack.replyHeader(header, ctx, TYPE, w.comp(profile, "CDCPHINVS")));
    sb.append(Hl7v2Ack.msa(header, AckCode.AA, List.of()));
    sb.append(qak(w, Optional.of(query.qpd()), status));
    sb.append(echo(query.qpd()));
    if (answer instanceof QueryAnswer.Found f) {
      sb.append(PatientToPid.pid(w, v, f.patient(), 1));
      sb.append(PatientToPid.nk1(w, v, f.patient()));
      ImmunizationToOrder orders = new ImmunizationToOrder(w, v, index(f.referenced()), ctx.facility());
      f.immunizations().stream()
          .filter(i -> i.getStatus() != Immunization.ImmunizationStatus.ENTEREDINERROR)
          .sorted(Comparator.comparing(RspK11Builder::occurrence))
          .forEach(i -> sb.append(orders.order(i)));
      if ("Z44".equals(query.queryName())) {
        for (ImmunizationRecommendation r : f.recommendations()) {
          sb.append(orders.forecast(r));
        }
      }
    } else if (answer instanceof QueryAnswer.Candidates c) {
      int n = 0;
      for (Patient p : c.patients()) {
        sb.append(PatientToPid.pid(w, v, p, ++n));
        sb.append(PatientToPid.nk1(w, v, p));
      }
    }
    return sb.toString();
  }

  /** {@link #build} encoded in the query's charset (characters it cannot hold become {@code ?}). */
  public static byte[] encode(InboundResult.Query query, QueryAnswer answer, AckContext ctx) {
    return Hl7v2Decoder.encode(build(query, answer, ctx), query.charset());
  }

  /**
   * The reply to a query the hub cannot answer: MSA and QAK AE (content errors) or AR (a query it
   * does not answer), one ERR per error, the QPD echoed when there was one.
   */
  public static String error(Optional<RawHeader> header, Optional<String> qpd, List<Hl7Error> errors, AckContext ctx) {
    AckCode code = errors.stream().anyMatch(e -> e.ack() == AckCode.AR) ? AckCode.AR : AckCode.AE;
    Er7 w = new Er7(Hl7v2Ack.delimiters(header));
    StringBuilder sb = new StringBuilder(512);
    sb.append(Hl7v2Ack.replyHeader(header, ctx, TYPE, w.comp("Z33", "CDCPHINVS")));
    sb.append(Hl7v2Ack.msa(header, code, errors));
    sb.append(Hl7v2Ack.err(header, errors));
    boolean usable = header.map(h -> h.delimiters().usable()).orElse(false);
    sb.append(qak(w, usable ? qpd : Optional.empty(), code.name()));
    if (usable) {
      qpd.ifPresent(q -> sb.append(echo(q)));
    }
    return sb.toString();
  }

  /** The fallback reply when the repository cannot be searched: AE with table 0357 code 207. */
  public static String internalError(RawHeader header, String qpd, AckContext ctx) {
    return error(Optional.of(header), Optional.of(qpd), List.of(Hl7Error.error(ErrorCode.APPLICATION_INTERNAL_ERROR,
        ErrorLocation.segment("QPD", 1), "the hub could not search for the patient; send the query again")), ctx);
  }

  private static String qak(Er7 w, Optional<String> qpd, String status) {
    Delimiters d = w.delimiters();
    String tag = qpd.map(q -> QbpToQuery.field(q, 2, d)).orElse("");
    String name = qpd.map(q -> QbpToQuery.field(q, 1, d)).orElse("");
    return w.segment("QAK").set(1, clean(tag)).set(2, status).set(3, clean(name)).text();
  }

  private static String echo(String qpd) {
    return clean(qpd) + "\r";
  }

  private static String clean(String s) {
    String c = Hl7v2Ack.clean(s);
    return c.length() > 4096 ? c.substring(0, 4096) : c;
  }

  private static String occurrence(Immunization i) {
    return i.hasOccurrenceDateTimeType() ? i.getOccurrenceDateTimeType().getValueAsString() : "";
  }

  private static Map<String, Resource> index(List<Resource> resources) {
    Map<String, Resource> map = new HashMap<>();
    for (Resource r : resources) {
      if (r.getIdElement().hasIdPart()) {
        map.put(r.fhirType() + "/" + r.getIdElement().getIdPart(), r);
        map.put(r.getIdElement().getValue(), r);
      }
    }
    return map;
  }
}
