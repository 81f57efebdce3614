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
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.DocumentReference;
import org.hl7.fhir.r4.model.Enumerations.DocumentReferenceStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;

/**
 * MDM^T02 to FHIR: the Patient and Encounter it refers to (conditional creates) and one
 * DocumentReference (v2-to-FHIR TXA[DocumentReference]), a conditional update keyed by TXA-12
 * (unique document number, the masterIdentifier). The document is the OBX-5 values: text types
 * (TX, FT, ST; repetitions and OBXs as lines, {@code \.br\} as line breaks) become one
 * {@code text/plain; charset=utf-8} attachment, each ED (base64) one attachment of its MIME type.
 */
public final class MdmToFhir {

  private MdmToFhir() {}

  public static Optional<String> map(MappingContext ctx, String organizationUrl) {
    Optional<ReferencedPatient.Refs> refs = ReferencedPatient.add(ctx, organizationUrl);
    Optional<SegmentRef> txaRef = ctx.message().first("TXA");
    if (txaRef.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("TXA", 1), "an MDM^T02 needs a TXA segment");
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
    DocumentReference d = ctx.stamp(new DocumentReference());
    Identifier key = Identifiers.fromEi(ctx, txa.getTxa12_UniqueDocumentNumber(), ctx.sender().namespace("document"));
    d.setMasterIdentifier(key);
    d.setStatus(DocumentReferenceStatus.CURRENT);
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
    String title = s(txa.getTxa16_UniqueDocumentFileName());

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
    if (!d.hasContent()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ErrorLocation.segment("OBX", 1),
          "an MDM^T02 carries the document in OBX-5");
      return Optional.of(refs.get().patientUrl());
    }
    ctx.transaction().updateWhere(d, SearchUrls.identifierQuery(List.of(key)));
    return Optional.of(refs.get().patientUrl());
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
