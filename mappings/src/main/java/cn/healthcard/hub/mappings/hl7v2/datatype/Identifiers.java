package cn.healthcard.hub.mappings.hl7v2.datatype;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.datatype.EI;
import ca.uhn.hl7v2.model.v251.datatype.HD;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Identifier;

/**
 * CX and EI to Identifier (v2-to-FHIR CX[Identifier], EI[Identifier]) with the hub's rule for
 * the system:
 *
 * <ol>
 *   <li>an assigning authority with an OID universal id (CX-4.2, EI-3): {@code urn:oid:<oid>};
 *   <li>an assigning authority with only a namespace id (CX-4.1, EI-2): the sender's namespace
 *       of that name, {@code https://hub.healthcard.cn/fhir/NamingSystem/<facility>/<namespace>}
 *       (namespace ids are local to a sender: two hospitals may both call theirs "HIS");
 *   <li>none: the {@code defaultSystem} the caller gives (the sender's namespace of that kind).
 * </ol>
 */
public final class Identifiers {

  private Identifiers() {}

  /** The system of an assigning authority, or {@code defaultSystem} when it has none. */
  public static String system(HD authority, Sender sender, String defaultSystem) {
    if (V2.isEmpty(authority)) {
      return defaultSystem;
    }
    String oid = s(authority.getHd2_UniversalID());
    if (V2.isOid(oid)) {
      return "urn:oid:" + oid;
    }
    String ns = s(authority.getHd1_NamespaceID());
    if (!ns.isEmpty()) {
      return sender.namespace(SearchUrls.pathSegment(ns));
    }
    return defaultSystem;
  }

  /** The OID of an assigning authority (CX-4.2), "" when there is none. */
  public static String authorityOid(CX cx) {
    String oid = s(cx.getCx4_AssigningAuthority().getHd2_UniversalID());
    return V2.isOid(oid) ? oid : "";
  }

  public static Identifier fromCx(MappingContext ctx, CX cx, String defaultSystem) {
    Identifier id = new Identifier()
        .setSystem(system(cx.getCx4_AssigningAuthority(), ctx.sender(), defaultSystem))
        .setValue(s(cx.getCx1_IDNumber()));
    type(ctx, s(cx.getCx5_IdentifierTypeCode()), id);
    return id;
  }

  public static Identifier fromEi(MappingContext ctx, EI ei, String defaultSystem) {
    String system = defaultSystem;
    String oid = s(ei.getEi3_UniversalID());
    String ns = s(ei.getEi2_NamespaceID());
    if (V2.isOid(oid)) {
      system = "urn:oid:" + oid;
    } else if (!ns.isEmpty()) {
      system = ctx.sender().namespace(SearchUrls.pathSegment(ns));
    }
    return new Identifier().setSystem(system).setValue(s(ei.getEi1_EntityIdentifier()));
  }

  /** A patient account number (PID-18, MRG-3): the sender's {@code account} namespace by default, type AN. */
  public static Identifier account(MappingContext ctx, CX number) {
    Identifier id = fromCx(ctx, number, ctx.sender().namespace("account"));
    if (!id.hasType()) {
      type(ctx, "AN", id);
    }
    return id;
  }

  /** Sets Identifier.type from a table 0203 code. */
  public static void type(MappingContext ctx, String code, Identifier id) {
    if (!code.isEmpty()) {
      id.setType(new CodeableConcept().addCoding(Codes.coding(ctx, Codes.table("0203"), code, null)));
    }
  }
}
