package cn.healthcard.hub.mappings.hl7v2;

import cn.healthcard.hub.mappings.hl7v2.InboundResult.Accepted;
import cn.healthcard.hub.mappings.hl7v2.InboundResult.Rejected;
import cn.healthcard.hub.mappings.hl7v2.ack.AckCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7Error;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7v2Ack;
import cn.healthcard.hub.mappings.hl7v2.codec.DecodedMessage;
import cn.healthcard.hub.mappings.hl7v2.codec.Hl7v2Decoder;
import cn.healthcard.hub.mappings.hl7v2.codec.RawHeader;
import cn.healthcard.hub.mappings.hl7v2.parse.HeaderCheck;
import cn.healthcard.hub.mappings.hl7v2.parse.Hl7v2Parser;
import cn.healthcard.hub.mappings.hl7v2.parse.ParsedMessage;
import cn.healthcard.hub.mappings.hl7v2.qbp.QbpToQuery;
import cn.healthcard.hub.mappings.hl7v2.qbp.RspK11Builder;
import cn.healthcard.hub.terminology.Terminology;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * The one entry point for an inbound HL7 v2 message: bytes in, an ACK and (when accepted) the
 * FHIR transaction out. Never throws, whatever the bytes: anything unexpected becomes an AE with
 * table 0357 code 207 and a text without message content. Thread-safe; build one and share it.
 *
 * <ol>
 *   <li>decode by MSH-18 (else the sender's default charset);
 *   <li>read the MSH without a parser and check type, trigger, version, processing id, sending
 *       facility and control id: failures are AR;
 *   <li>parse with HAPI into v2.5.1 structures: failures are AE;
 *   <li>map to FHIR: content errors (missing required fields, invalid card numbers, PID-7
 *       contradicting the card, bad timestamps...) are AE;
 *   <li>accepted: AA, with the mapped message.
 * </ol>
 * A QBP^Q11 (Z34/Z44) is not mapped but read into an {@link InboundResult.Query} the caller
 * answers with {@link RspK11Builder}; a QBP it cannot answer (bad QPD, unknown query name, HAPI
 * cannot parse it) is {@link InboundResult.Rejected} with an RSP^K11 (MSA/QAK AE or AR, ERR) as
 * its reply.
 */
public final class Hl7v2Inbound {

  private final Hl7v2Parser parser = new Hl7v2Parser();
  private final Hl7v2ToFhir mapper;

  public Hl7v2Inbound(Terminology terminology) {
    this.mapper = new Hl7v2ToFhir(terminology);
  }

  /** With the hub's packaged terminology. */
  public Hl7v2Inbound() {
    this(Terminology.standard());
  }

  /**
   * Processes one message.
   *
   * @param raw the message bytes, MLLP framing removed
   * @param senderDefault the charset to assume when MSH-18 is empty (per sending facility)
   * @param ctx timestamp and control id for the ACK
   */
  public InboundResult process(byte[] raw, Charset senderDefault, AckContext ctx) {
    Charset charset = senderDefault == null ? StandardCharsets.UTF_8 : senderDefault;
    Optional<RawHeader> header = Optional.empty();
    try {
      Hl7v2Decoder.Result decoded = Hl7v2Decoder.decode(raw, charset);
      if (decoded instanceof Hl7v2Decoder.Failed f) {
        header = RawHeader.read(f.bestEffortText());
        return rejected(header, List.of(f.error()), ctx, f.replyCharset());
      }
      DecodedMessage message = ((Hl7v2Decoder.Decoded) decoded).message();
      charset = message.charset();
      header = RawHeader.read(message.text());
      if (header.isEmpty()) {
        return rejected(header, List.of(Hl7Error.reject(ErrorCode.SEGMENT_SEQUENCE_ERROR,
            ErrorLocation.segment("MSH", 1), "the message must start with an MSH segment")), ctx, charset);
      }
      RawHeader h = header.get();
      List<Hl7Error> headerErrors = HeaderCheck.check(h);
      if (!headerErrors.isEmpty()) {
        return rejected(header, headerErrors, ctx, charset);
      }
      boolean query = "QBP".equals(h.messageType());
      ParsedMessage parsed;
      try {
        parsed = parser.parse(Hl7v2Parser.normalize(message.text()), h.messageType(), h.triggerEvent(), h.delimiters());
      } catch (Hl7v2Parser.ParseFailure e) {
        return query
            ? queryRejected(h, List.of(e.error()), QbpToQuery.rawSegment(message.text(), "QPD", h.delimiters()), ctx,
                charset)
            : rejected(header, List.of(e.error()), ctx, charset);
      }
      if (query) {
        QbpToQuery.Outcome q = mapper.query(parsed, h.messageType(), h.triggerEvent(), h.controlId());
        if (q instanceof QbpToQuery.Failed f) {
          return queryRejected(h, f.errors(), f.qpd(), ctx, charset);
        }
        QbpToQuery.Parsed p = (QbpToQuery.Parsed) q;
        return new InboundResult.Query(new MessageKey(h.sendingFacility(), h.controlId()), h.version(),
            h.processingId(), charset, p.queryName(), p.queryTag(), p.parameters(), p.quantityLimit(), h, p.qpd(),
            RspK11Builder.internalError(h, p.qpd(), ctx));
      }
      Hl7v2ToFhir.Outcome outcome = mapper.map(parsed, message.text(), h.messageType(), h.triggerEvent(), h.controlId());
      if (outcome instanceof Hl7v2ToFhir.Failed f) {
        return rejected(header, f.errors(), ctx, charset);
      }
      MappedMessage mapped = ((Hl7v2ToFhir.Mapped) outcome).message();
      String ack = Hl7v2Ack.build(header, AckCode.AA, HeaderCheck.warnings(h), ctx);
      return new Accepted(new MessageKey(h.sendingFacility(), h.controlId()), h.messageType(), h.triggerEvent(),
          h.version(), h.processingId(), charset, mapped, ack);
    } catch (Exception | StackOverflowError e) {
      return internalError(header, ctx, charset);
    }
  }

  /** A QBP the hub cannot answer: the reply is an RSP^K11 (MSA and QAK AE/AR, ERR, QPD echoed). */
  private static InboundResult queryRejected(RawHeader h, List<Hl7Error> errors, Optional<String> qpd,
      AckContext ctx, Charset charset) {
    AckCode code = errors.stream().anyMatch(e -> e.ack() == AckCode.AR) ? AckCode.AR : AckCode.AE;
    String rsp = RspK11Builder.error(Optional.of(h), qpd, errors, ctx);
    return new Rejected(code, errors, key(Optional.of(h)), rsp, charset);
  }

  private static InboundResult rejected(Optional<RawHeader> header, List<Hl7Error> errors, AckContext ctx,
      Charset charset) {
    AckCode code = errors.stream().anyMatch(e -> e.ack() == AckCode.AR) ? AckCode.AR : AckCode.AE;
    String ack = Hl7v2Ack.build(header, code, errors, ctx);
    return new Rejected(code, errors, key(header), ack, charset);
  }

  private static InboundResult internalError(Optional<RawHeader> header, AckContext ctx, Charset charset) {
    List<Hl7Error> errors = List.of(Hl7Error.error(ErrorCode.APPLICATION_INTERNAL_ERROR,
        ErrorLocation.segment("MSH", 1), "the hub could not process the message"));
    String ack;
    try {
      ack = Hl7v2Ack.build(header, AckCode.AE, errors, ctx);
    } catch (Exception | StackOverflowError e) {
      ack = Hl7v2Ack.build(Optional.empty(), AckCode.AE, errors, ctx);
    }
    Optional<MessageKey> key;
    try {
      key = key(header);
    } catch (Exception e) {
      key = Optional.empty();
    }
    return new Rejected(AckCode.AE, errors, key, ack, charset);
  }

  private static Optional<MessageKey> key(Optional<RawHeader> header) {
    return header.filter(h -> !h.sendingFacility().isEmpty() && !h.controlId().isEmpty())
        .map(h -> new MessageKey(h.sendingFacility(), h.controlId()));
  }
}
