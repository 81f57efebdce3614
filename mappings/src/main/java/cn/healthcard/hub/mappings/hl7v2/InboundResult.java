package cn.healthcard.hub.mappings.hl7v2;

import cn.healthcard.hub.mappings.hl7v2.ack.AckCode;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7Error;
import cn.healthcard.hub.mappings.hl7v2.codec.Hl7v2Decoder;
import cn.healthcard.hub.mappings.hl7v2.codec.RawHeader;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.qbp.QbpToQuery;
import cn.healthcard.hub.mappings.hl7v2.qbp.QueryParameters;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.nio.charset.Charset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;

/**
 * What {@link Hl7v2Inbound#process} made of one message: accepted and mapped (store it), a query
 * to answer (search, then reply), or rejected (reply with the ACK).
 */
public sealed interface InboundResult permits InboundResult.Accepted, InboundResult.Query, InboundResult.Rejected {

  /**
   * The reply text (segments ended by CR, no MLLP framing): the ACK; for a {@link Query}, the
   * RSP^K11 to send when the repository cannot be searched.
   */
  String ack();

  /** The charset to send the ACK in: the one the message came in. */
  Charset charset();

  /** The ACK encoded in {@link #charset()}. */
  default byte[] ackBytes() {
    return Hl7v2Decoder.encode(ack(), charset());
  }

  AckCode ackCode();

  /**
   * Accepted and mapped. {@link #ack()} is the AA to send once the raw message is stored durably.
   *
   * @param processingId MSH-11.1, {@code P} or {@code T}: a deployment that must not store
   *     training messages can drop {@code T} here
   */
  record Accepted(
      MessageKey key,
      String messageType,
      String triggerEvent,
      String version,
      String processingId,
      Charset charset,
      MappedMessage mapped,
      String ack)
      implements InboundResult {
    @Override
    public AckCode ackCode() {
      return AckCode.AA;
    }
  }

  /**
   * A QBP^Q11 (CDC IIS guide: Z34 "Request Immunization History", Z44 "Request Evaluated History
   * and Forecast") to answer synchronously; nothing is stored. Search the repository with
   * {@link #parameters()}, then send {@code RspK11Builder.encode(query, answer, ackContext)}; if the
   * search fails, send {@link #ackBytes()}: an RSP^K11 with MSA AE, ERR 207 and QAK AE.
   *
   * @param key MSH-4 and MSH-10 (a query is not stored; for logs and metrics)
   * @param queryName QPD-1.1: {@code Z34} or {@code Z44}
   * @param queryTag QPD-2, echoed in QAK-1
   * @param parameters the patient the query is about (QPD-3 to QPD-9)
   * @param quantityLimit RCP-2.1 when it is a number: how many candidates the sender accepts
   * @param header the query's MSH as read, for the reply's MSH
   * @param qpd the QPD segment as received, echoed in the reply
   * @param ack the fallback reply (AE 207), see above
   */
  record Query(
      MessageKey key,
      String version,
      String processingId,
      Charset charset,
      String queryName,
      String queryTag,
      QueryParameters parameters,
      OptionalInt quantityLimit,
      RawHeader header,
      String qpd,
      String ack)
      implements InboundResult {

    /** The fallback reply's code: AE. A query's real answer is built by {@code RspK11Builder}. */
    @Override
    public AckCode ackCode() {
      return AckCode.AE;
    }

    /**
     * The query as a FHIR Parameters resource (for audit records and checks): meta.tag the query
     * name (system HL7 table 0471, {@code urn:oid:2.16.840.1.113883.12.471}) and the query tag
     * (the sender's {@code query-tag} namespace); parameters {@code patient.identifier},
     * {@code patient.name}, {@code patient.mothersMaidenName}, {@code patient.birthdate},
     * {@code patient.gender}, {@code patient.address}, {@code patient.telecom} and {@code _count}
     * (RCP-2).
     */
    public Parameters toParameters() {
      Parameters p = new Parameters();
      String nameField = QbpToQuery.field(qpd, 1, header.delimiters());
      String display = QbpToQuery.split(nameField, header.delimiters().component()).size() > 1
          ? header.delimiters().unescape(QbpToQuery.split(nameField, header.delimiters().component()).get(1)) : null;
      p.getMeta().addTag(new Coding(QUERY_NAME_SYSTEM, queryName, display == null || display.isEmpty() ? null : display));
      p.getMeta().addTag(new Coding(HubCodeSystems.BASE + "/NamingSystem/"
          + SearchUrls.pathSegment(key.sendingFacility()) + "/query-tag", queryTag, null));
      parameters.identifiers().forEach(i -> p.addParameter().setName("patient.identifier").setValue(i.copy()));
      parameters.name().ifPresent(n -> p.addParameter().setName("patient.name").setValue(n.copy()));
      parameters.mothersMaidenName().ifPresent(m -> p.addParameter().setName("patient.mothersMaidenName")
          .setValue(new StringType(m)));
      parameters.birthDate().ifPresent(b -> p.addParameter().setName("patient.birthdate").setValue(new DateType(b)));
      parameters.gender().ifPresent(g -> p.addParameter().setName("patient.gender").setValue(new CodeType(g.toCode())));
      parameters.address().ifPresent(a -> p.addParameter().setName("patient.address").setValue(a.copy()));
      parameters.phone().ifPresent(t -> p.addParameter().setName("patient.telecom").setValue(t.copy()));
      quantityLimit.ifPresent(n -> p.addParameter().setName("_count").setValue(new IntegerType(n)));
      return p;
    }
  }

  /** HL7 table 0471 (query name), the system of QPD-1 in {@link Query#toParameters()}. */
  String QUERY_NAME_SYSTEM = "urn:oid:2.16.840.1.113883.12.471";

  /**
   * Not accepted: nothing to store. {@code ackCode} is AR (unsupported type, event, version,
   * processing id or charset; unreadable header; a query name the hub does not answer) or AE
   * (content errors). {@link #ack()} is an ACK; for a QBP whose header was acceptable it is the
   * RSP^K11 the CDC guide answers errors with (MSA and QAK AE/AR, ERR, QPD echoed).
   *
   * @param key present when MSH-4 and MSH-10 could be read
   */
  record Rejected(
      AckCode ackCode, List<Hl7Error> errors, Optional<MessageKey> key, String ack, Charset charset)
      implements InboundResult {
    public Rejected {
      errors = List.copyOf(errors);
    }
  }
}
