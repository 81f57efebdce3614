package cn.healthcard.hub.mappings.hl7v2.mdm;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.Primitive;
import ca.uhn.hl7v2.model.Varies;
import ca.uhn.hl7v2.model.v251.datatype.ED;
import ca.uhn.hl7v2.model.v251.datatype.XCN;
import ca.uhn.hl7v2.model.v251.segment.OBX;
import ca.uhn.hl7v2.model.v251.segment.TXA;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.FhirPathPatch;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Codes;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.ReferencedPatient;
import cn.healthcard.hub.mappings.hl7v2.segment.XcnToPractitioner;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.DocumentReference.DocumentRelationshipType;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * MDM^T01-T11 to FHIR: the Patient and Encounter the message refers to (conditional creates) and
 * one DocumentReference (v2-to-FHIR TXA[DocumentReference]), a conditional update keyed by TXA-12
 * (unique document number, the masterIdentifier).
 *
 * <ul>
 *   <li>The events with content (T02 original, T04 status change, T06 addendum, T08 edit, T10
 *       replacement) carry the document in OBX-5: text types (TX, FT, ST; repetitions and OBXs as
 *       lines, {@code \.br\} as line breaks) become one {@code text/plain; charset=utf-8}
 *       attachment, each ED (base64) one attachment of its MIME type.
 *   <li>The notifications (T01, T03, T05, T07, T09, T11) say a document exists or changed at the
 *       sender without sending it: the DocumentReference's attachment has a title and no data, and
 *       the server keeps any content it already holds for that document.
 *   <li>TXA-19 (availability) is the status: AV and UN current, OB superseded, CA (and every T11)
 *       entered-in-error; TXA-17 (completion) the docStatus; TXA-18 (confidentiality) a security
 *       label.
 *   <li>An addendum (T05, T06) {@code appends} the document named in TXA-13; an edit or a
 *       replacement (T07-T10) {@code replaces} it, and that document, when the hub has it,
 *       becomes superseded (a conditional patch of its status only).
 * </ul>
 */
public final class MdmToFhir {

  private static final Set<String> WITH_CONTENT = Set.of("T02", "T04", "T06", "T08", "T10");
  private static final Set<String> APPENDS = Set.of("T05", "T06");
  private static final Set<String> REPLACES = Set.of("T07", "T08", "T09", "T10");
  /** The attachment of a notification: the sender holds the document. */
  static final String HELD_BY_SENDER = "held by the sending system";

  private MdmToFhir() {}

  public static Optional<String> map(MappingContext ctx, String organizationUrl) {
    String trigger = ctx.triggerEvent();
    Optional<ReferencedPatient.Refs> refs = ReferencedPatient.add(ctx, organizationUrl);
    Optional<SegmentRef> txaRef = ctx.message().first("TXA");
    if (txaRef.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("TXA", 1),
          "an MDM^" + trigger + " needs a TXA segment");
      return refs.map(ReferencedPatient.Refs::patientUrl);
    }
    if (refs.isEmpty()) {
      return Optional.empty();
    }
    SegmentRef ref = txaRef.get();
    TXA txa = ref.as(TXA.class);
    if (s(txa.getTxa12_UniqueDocumentNumber().getEi1_EntityIdentifier()).isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(12), "TXA-12 (unique document number) is required");
      return Optional.empty();
    }
    String documentSystem = ctx.sender().namespace("document");
    DocumentReference d = ctx.stamp(new DocumentReference());
    Identifier key = Identifiers.fromEi(ctx, txa.getTxa12_UniqueDocumentNumber(), documentSystem);
    d.setMasterIdentifier(key);
    Optional<Identifier> parent = parent(ctx, ref, txa, key, documentSystem);
    if ((APPENDS.contains(trigger) || REPLACES.contains(trigger)) && parent.isEmpty()) {
      return Optional.empty();
    }
    Optional<DocumentReferenceStatus> status = status(ctx, ref, txa);
    if (status.isEmpty()) {
      return Optional.empty();
    }
    d.setStatus(status.get());
    String completion = s(txa.getTxa17_DocumentCompletionStatus());
    switch (completion) {
      case "AU", "LA" -> d.setDocStatus(DocumentReference.ReferredDocumentStatus.FINAL);
      case "DI", "DO", "IP", "IN", "PA" -> d.setDocStatus(DocumentReference.ReferredDocumentStatus.PRELIMINARY);
      default -> { }
    }
    Codes.tableConcept(ctx, txa.getTxa2_DocumentType(), "0270").ifPresent(d::setType);
    Optional<org.hl7.fhir.r4.model.InstantType> date =
        ctx.instant(s(txa.getTxa4_ActivityDateTime().getTs1_Time()), ref.at(4), "TXA-4");
    if (date.isEmpty()) {
      date = ctx.instant(s(txa.getTxa6_OriginationDateTime().getTs1_Time()), ref.at(6), "TXA-6");
    }
    date.ifPresent(d::setDateElement);
    d.setSubject(new Reference(refs.get().patientUrl()));
    refs.get().encounterUrl().ifPresent(e -> d.getContext().addEncounter(new Reference(e)));
    for (XCN xcn : txa.getTxa9_OriginatorCodeName()) {
      XcnToPractitioner.reference(ctx, xcn).ifPresent(d::addAuthor);
    }
    if (!d.hasAuthor()) {
      for (XCN xcn : txa.getTxa5_PrimaryActivityProviderCodeName()) {
        XcnToPractitioner.reference(ctx, xcn).ifPresent(d::addAuthor);
      }
    }
    XCN[] authenticators = txa.getTxa10_AssignedDocumentAuthenticator();
    if (authenticators.length > 0) {
      XcnToPractitioner.reference(ctx, authenticators[0]).ifPresent(d::setAuthenticator);
    }
    d.setCustodian(new Reference(organizationUrl));
    confidentiality(s(txa.getTxa18_DocumentConfidentialityStatus())).ifPresent(d::addSecurityLabel);
    parent.ifPresent(p -> d.addRelatesTo()
        .setCode(APPENDS.contains(trigger) ? DocumentRelationshipType.APPENDS : DocumentRelationshipType.REPLACES)
        .setTarget(new Reference().setIdentifier(p)));
    String title = s(txa.getTxa16_UniqueDocumentFileName());

    addContent(ctx, d, title);
    if (!d.hasContent()) {
      if (WITH_CONTENT.contains(trigger)) {
        ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ErrorLocation.segment("OBX", 1),
            "an MDM^" + trigger + " carries the document in OBX-5");
        return Optional.of(refs.get().patientUrl());
      }
      d.addContent().setAttachment(new Attachment().setTitle(title.isEmpty() ? HELD_BY_SENDER : title));
    }
    ctx.transaction().updateWhere(d, SearchUrls.identifierQuery(List.of(key)));
    if (REPLACES.contains(trigger)) {
      ctx.transaction().patchWhere("DocumentReference", SearchUrls.identifierQuery(List.of(parent.get())),
          FhirPathPatch.of().replace("DocumentReference.status", new CodeType(DocumentReferenceStatus.SUPERSEDED.toCode()))
              .build());
    }
    return Optional.of(refs.get().patientUrl());
  }

  /** TXA-13 (parent document number): required by addenda, edits and replacements, never the document itself. */
  private static Optional<Identifier> parent(MappingContext ctx, SegmentRef ref, TXA txa, Identifier key, String system) {
    String trigger = ctx.triggerEvent();
    if (!APPENDS.contains(trigger) && !REPLACES.contains(trigger)) {
      return Optional.empty();
    }
    if (s(txa.getTxa13_ParentDocumentNumber().getEi1_EntityIdentifier()).isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(13), "TXA-13 (parent document number) is required: an MDM^"
          + trigger + " names the document it " + (APPENDS.contains(trigger) ? "appends to" : "replaces"));
      return Optional.empty();
    }
    Identifier parent = Identifiers.fromEi(ctx, txa.getTxa13_ParentDocumentNumber(), system);
    if (parent.getSystem().equals(key.getSystem()) && parent.getValue().equals(key.getValue())) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, ref.at(13), "TXA-13 (parent document number) names the document itself (TXA-12)");
      return Optional.empty();
    }
    return Optional.of(parent);
  }

  /** TXA-19 (document availability status, table 0050); a cancel notification (T11) is entered-in-error whatever it says. */
  private static Optional<DocumentReferenceStatus> status(MappingContext ctx, SegmentRef ref, TXA txa) {
    if ("T11".equals(ctx.triggerEvent())) {
      return Optional.of(DocumentReferenceStatus.ENTEREDINERROR);
    }
    String availability = s(txa.getTxa19_DocumentAvailabilityStatus());
    return switch (availability) {
      case "", "AV", "UN" -> Optional.of(DocumentReferenceStatus.CURRENT);
      case "OB" -> Optional.of(DocumentReferenceStatus.SUPERSEDED);
      case "CA" -> Optional.of(DocumentReferenceStatus.ENTEREDINERROR);
      default -> {
        ctx.error(ErrorCode.TABLE_VALUE_NOT_FOUND, ref.at(19),
            "TXA-19 (document availability status) is one of AV, CA, OB, UN (HL7 table 0050)");
        yield Optional.empty();
      }
    };
  }

  /** TXA-18 (HL7 table 0272) as an HL7 v3 confidentiality code: VR very restricted, RE restricted, UC usual (normal). */
  private static Optional<CodeableConcept> confidentiality(String code) {
    String v3 = switch (code) {
      case "VR" -> "V";
      case "RE" -> "R";
      case "UC" -> "N";
      default -> null;
    };
    return v3 == null ? Optional.empty()
        : Optional.of(new CodeableConcept().addCoding(new Coding(CONFIDENTIALITY, v3, null)));
  }

  private static final String CONFIDENTIALITY = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";

  /** The OBX-5 values as the document's attachments (text first). */
  private static void addContent(MappingContext ctx, DocumentReference d, String title) {
    List<String> lines = new ArrayList<>();
    for (SegmentRef obxRef : ctx.message().all("OBX")) {
      OBX obx = obxRef.as(OBX.class);
      String type = s(obx.getObx2_ValueType());
      Varies[] values = obx.getObx5_ObservationValue();
      for (int i = 0; i < values.length; i++) {
        var data = values[i].getData();
        if (data instanceof ED ed) {
          attachment(ctx, obxRef, i + 1, ed, title).ifPresent(a -> d.addContent().setAttachment(a));
        } else if (data instanceof Primitive p && (type.equals("TX") || type.equals("FT") || type.equals("ST") || type.isEmpty())) {
          lines.add(s(p).replace("\\.br\\", "\n").replace("\\.BR\\", "\n"));
        } else if (data instanceof Primitive p) {
          lines.add(s(p));
        }
      }
    }
    if (!lines.isEmpty()) {
      Attachment a = new Attachment().setContentType("text/plain; charset=utf-8")
          .setData(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
      if (!title.isEmpty()) {
        a.setTitle(title);
      }
      d.getContent().add(0, new DocumentReference.DocumentReferenceContentComponent().setAttachment(a));
    }
  }

  private static Optional<Attachment> attachment(MappingContext ctx, SegmentRef obx, int rep, ED ed, String title) {
    String encoding = s(ed.getEd4_Encoding()).toUpperCase(Locale.ROOT);
    String data = s(ed.getEd5_Data());
    if (data.isEmpty()) {
      return Optional.empty();
    }
    if (!encoding.equals("BASE64")) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, ErrorLocation.component("OBX", obx.sequence(), 5, rep, 4),
          "the hub accepts ED documents in Base64 encoding only");
      return Optional.empty();
    }
    byte[] bytes;
    try {
      bytes = Base64.getMimeDecoder().decode(data);
    } catch (IllegalArgumentException e) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, ErrorLocation.component("OBX", obx.sequence(), 5, rep, 5),
          "OBX-5.5 is not valid Base64");
      return Optional.empty();
    }
    String subtype = s(ed.getEd3_DataSubtype()).toLowerCase(Locale.ROOT);
    String typeOfData = s(ed.getEd2_TypeOfData()).toLowerCase(Locale.ROOT);
    String mime = switch (subtype) {
      case "pdf" -> "application/pdf";
      case "rtf" -> "application/rtf";
      case "html" -> "text/html";
      case "xml" -> "application/xml";
      case "jpeg", "jpg" -> "image/jpeg";
      case "png" -> "image/png";
      case "tiff" -> "image/tiff";
      default -> subtype.contains("/") ? subtype
          : typeOfData.equals("text") || typeOfData.equals("tx") ? "text/plain" : "application/octet-stream";
    };
    Attachment a = new Attachment().setContentType(mime).setData(bytes);
    if (!title.isEmpty()) {
      a.setTitle(title);
    }
    return Optional.of(a);
  }
}
