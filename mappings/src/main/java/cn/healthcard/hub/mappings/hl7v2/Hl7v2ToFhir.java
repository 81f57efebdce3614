package cn.healthcard.hub.mappings.hl7v2;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.HD;
import ca.uhn.hl7v2.model.v251.segment.EVN;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7Error;
import cn.healthcard.hub.mappings.hl7v2.adt.AdtToFhir;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.datatype.Sender;
import cn.healthcard.hub.mappings.hl7v2.datatype.Timestamps;
import cn.healthcard.hub.mappings.hl7v2.mdm.MdmToFhir;
import cn.healthcard.hub.mappings.hl7v2.bar.BillingToFhir;
import cn.healthcard.hub.mappings.hl7v2.orm.OrderToFhir;
import cn.healthcard.hub.mappings.hl7v2.ppr.ProblemsToFhir;
import cn.healthcard.hub.mappings.hl7v2.ref.ReferralToFhir;
import cn.healthcard.hub.mappings.hl7v2.rx.PharmacyToFhir;
import cn.healthcard.hub.mappings.hl7v2.oru.OruToFhir;
import cn.healthcard.hub.mappings.hl7v2.parse.ParsedMessage;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.qbp.QbpToQuery;
import cn.healthcard.hub.mappings.hl7v2.segment.MshToProvenance;
import cn.healthcard.hub.mappings.hl7v2.siu.SiuToFhir;
import cn.healthcard.hub.mappings.hl7v2.vxu.VxuToFhir;
import cn.healthcard.hub.terminology.Terminology;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.InstantType;

/**
 * The message layer: one parsed message to one {@link MappedMessage}, or the content errors
 * that prevent it. Pure and deterministic: the same message gives a byte-identical Bundle.
 */
public final class Hl7v2ToFhir {

  /** The mapping, or why there is none. */
  public sealed interface Outcome permits Mapped, Failed {}

  public record Mapped(MappedMessage message) implements Outcome {}

  public record Failed(List<Hl7Error> errors) implements Outcome {}

  private final Terminology terminology;

  public Hl7v2ToFhir(Terminology terminology) {
    this.terminology = terminology;
  }

  /**
   * A QBP^Q11: the query it asks, or the errors that prevent answering it (MSH-7 and the QPD are
   * checked; nothing is mapped or stored).
   */
  public QbpToQuery.Outcome query(ParsedMessage parsed, String type, String trigger, String controlId) {
    MappingContext ctx = context(parsed, type, trigger, controlId);
    messageTime(ctx);
    QbpToQuery.Outcome outcome = QbpToQuery.parse(ctx);
    if (outcome instanceof QbpToQuery.Parsed && ctx.hasErrors()) {
      return new QbpToQuery.Failed(ctx.errors(), Optional.of(((QbpToQuery.Parsed) outcome).qpd()));
    }
    return outcome;
  }

  private MappingContext context(ParsedMessage parsed, String type, String trigger, String controlId) {
    HD hd = parsed.msh().getMsh4_SendingFacility();
    if (s(hd.getHd1_NamespaceID()).isEmpty() && s(hd.getHd2_UniversalID()).isEmpty()) {
      // no MSH-4: the sending application keys the sender (the ACK says so with a warning)
      hd = parsed.msh().getMsh3_SendingApplication();
    }
    Sender sender = new Sender(s(hd.getHd1_NamespaceID()), s(hd.getHd2_UniversalID()), s(hd.getHd3_UniversalIDType()));
    return new MappingContext(parsed, sender, controlId, type, trigger, terminology);
  }

  /** MSH-7, checked: required, a timestamp. */
  private static Optional<Timestamps.Parsed> messageTime(MappingContext ctx) {
    String msh7 = s(ctx.message().msh().getMsh7_DateTimeOfMessage().getTs1_Time());
    if (msh7.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ErrorLocation.msh(7), "MSH-7 (date/time of message) is required");
    }
    return ctx.timestamp(msh7, ErrorLocation.msh(7), "MSH-7");
  }

  /**
   * @param parsed the parsed message
   * @param receivedText the message text exactly as received (kept in the Binary)
   * @param type MSH-9.1
   * @param trigger MSH-9.2
   * @param controlId MSH-10
   */
  public Outcome map(ParsedMessage parsed, String receivedText, String type, String trigger, String controlId) {
    MappingContext ctx = context(parsed, type, trigger, controlId);
    Sender sender = ctx.sender();
    Optional<Timestamps.Parsed> mt = messageTime(ctx);
    Optional<SegmentRef> evn = parsed.first("EVN");
    Optional<Timestamps.Parsed> recordedEvent = evn.flatMap(e ->
        ctx.timestamp(s(e.as(EVN.class).getEvn2_RecordedDateTime().getTs1_Time()), e.at(2), "EVN-2"));
    Optional<DateTimeType> occurred = evn.flatMap(e ->
        ctx.dateTime(s(e.as(EVN.class).getEvn6_EventOccurred().getTs1_Time()), e.at(6), "EVN-6"));
    recordedEvent.or(() -> mt).ifPresent(t -> ctx.eventTime(t.dateTime()));

    String organizationUrl = MshToProvenance.organization(ctx);
    Optional<String> patientUrl;
    List<PatientMerge> merges = List.of();
    List<DoseReport> doses = List.of();
    switch (type) {
      case "ADT" -> {
        AdtToFhir.Result r = AdtToFhir.map(ctx, organizationUrl);
        patientUrl = r.patientUrl();
        merges = r.merges();
      }
      case "ORU", "OUL" -> patientUrl = OruToFhir.map(ctx, organizationUrl);
      case "MDM" -> patientUrl = MdmToFhir.map(ctx, organizationUrl);
      case "SIU" -> patientUrl = SiuToFhir.map(ctx, organizationUrl);
      case "ORM", "OML", "OMG" -> patientUrl = OrderToFhir.map(ctx, organizationUrl);
      case "BAR", "DFT" -> patientUrl = BillingToFhir.map(ctx, organizationUrl);
      case "PPR" -> patientUrl = ProblemsToFhir.map(ctx, organizationUrl);
      case "REF" -> patientUrl = ReferralToFhir.map(ctx, organizationUrl);
      case "RDE", "RDS" -> patientUrl = PharmacyToFhir.map(ctx, organizationUrl);
      case "VXU" -> {
        VxuToFhir.Result r = VxuToFhir.map(ctx, organizationUrl);
        patientUrl = r.patientUrl();
        doses = r.doses();
      }
      default -> throw new IllegalArgumentException("unsupported type reached the mapping");
    }
    if (ctx.hasErrors()) {
      return new Failed(ctx.errors());
    }
    MshToProvenance.addMessageAndProvenance(ctx, receivedText, organizationUrl, patientUrl,
        mt.map(t -> new InstantType(t.instant())),
        occurred.isPresent() ? occurred : ctx.eventTime().map(DateTimeType::new));
    return new Mapped(new MappedMessage(
        new MessageKey(sender.key(), controlId), type, trigger, ctx.transaction().build(), merges, ctx.eventTime(),
        doses));
  }
}
