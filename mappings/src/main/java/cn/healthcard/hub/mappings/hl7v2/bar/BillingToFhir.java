package cn.healthcard.hub.mappings.hl7v2.bar;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.segment.PID;
import ca.uhn.hl7v2.model.v251.segment.PV1;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.ChargeToChargeItem;
import cn.healthcard.hub.mappings.hl7v2.segment.DiagnosisToCondition;
import cn.healthcard.hub.mappings.hl7v2.segment.ProcedureToProcedure;
import cn.healthcard.hub.mappings.hl7v2.segment.Pv1ToEncounter;
import cn.healthcard.hub.mappings.hl7v2.segment.ReferencedPatient;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Account.AccountStatus;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;

/**
 * Billing messages to FHIR: what NCMS settlement and the payment platform build on.
 *
 * <ul>
 *   <li>BAR^P01 (add account), P05 (update account), P12 (update diagnosis/procedure): the
 *       Account (PID-18, the patient account number, required) is written as sent, active;
 *       P02 (purge account) and P06 (end account) make it inactive (P06 with the service period's
 *       end from PV1-45). Each visit (PV1) starts a group: its DG1 and PR1 become Conditions and
 *       Procedures of that visit's Encounter;
 *   <li>DFT^P03 (post detail financial transactions) and P11 (detail financial transactions,
 *       expanded): each FT1 a ChargeItem on the Account (created when the hub has not seen it:
 *       the billing system owns the Account, not the department that posts charges), the
 *       Encounter and the Patient; DG1 and PR1 as in BAR.
 * </ul>
 *
 * The Patient and Encounters are referred to, not described (conditional creates, as in
 * results): a billing system's PID never overwrites what the ADT feed said.
 */
public final class BillingToFhir {

  private BillingToFhir() {}

  public static Optional<String> map(MappingContext ctx, String organizationUrl) {
    Optional<ReferencedPatient.Refs> refs = ReferencedPatient.add(ctx, organizationUrl);
    if (refs.isEmpty()) {
      return Optional.empty();
    }
    String patientUrl = refs.get().patientUrl();
    boolean bar = "BAR".equals(ctx.messageType());
    SegmentRef pidRef = ctx.message().first("PID").orElseThrow();
    CX number = pidRef.as(PID.class).getPid18_PatientAccountNumber();
    Optional<String> accountUrl = Optional.empty();
    if (s(number.getCx1_IDNumber()).isEmpty()) {
      if (bar) {
        ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, pidRef.at(18),
            "PID-18 (patient account number) is required in a BAR message");
        return Optional.empty();
      }
    } else {
      accountUrl = Optional.of(account(ctx, number, patientUrl, organizationUrl, bar));
    }

    // each PV1 starts a visit; the segments after it (before the next PV1) belong to it
    Optional<String> encounterUrl = refs.get().encounterUrl();
    Optional<String> visit = refs.get().visit();
    boolean firstVisit = true;
    int charges = 0;
    for (SegmentRef segment : ctx.message().segments()) {
      switch (segment.id()) {
        case "PV1" -> {
          if (!firstVisit) {
            PV1 pv1 = segment.as(PV1.class);
            Optional<Identifier> next = Pv1ToEncounter.visitIdentifier(ctx, pv1);
            visit = next.map(Identifier::getValue);
            encounterUrl = next.isEmpty() ? Optional.empty()
                : Pv1ToEncounter.add(ctx, segment, Optional.empty(), patientUrl, organizationUrl,
                    Pv1ToEncounter.Mode.referenceOnly());
          }
          firstVisit = false;
        }
        case "DG1" -> DiagnosisToCondition.add(ctx, segment, refs.get().patientKey(), patientUrl, encounterUrl, visit);
        case "PR1" -> ProcedureToProcedure.add(ctx, segment, refs.get().patientKey(), patientUrl, encounterUrl, visit);
        case "FT1" -> ChargeToChargeItem.add(ctx, segment, ++charges, patientUrl, encounterUrl, accountUrl,
            organizationUrl);
        default -> { }
      }
    }
    if (!bar && charges == 0) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation.segment("FT1", 1),
          "a DFT message needs an FT1 segment");
    }
    return Optional.of(patientUrl);
  }

  private static String account(MappingContext ctx, CX number, String patientUrl, String organizationUrl, boolean bar) {
    Identifier id = Identifiers.account(ctx, number);
    Account account = ctx.stamp(new Account());
    account.addIdentifier(id);
    account.addSubject(new Reference(patientUrl));
    account.setOwner(new Reference(organizationUrl));
    String trigger = ctx.triggerEvent();
    account.setStatus(bar && ("P02".equals(trigger) || "P06".equals(trigger)) ? AccountStatus.INACTIVE
        : AccountStatus.ACTIVE);
    ctx.message().first("PV1").ifPresent(pv1Ref -> {
      PV1 pv1 = pv1Ref.as(PV1.class);
      Period period = new Period();
      ctx.dateTime(s(pv1.getPv144_AdmitDateTime().getTs1_Time()), pv1Ref.at(44), "PV1-44")
          .ifPresent(period::setStartElement);
      ctx.dateTime(s(pv1.getPv145_DischargeDateTime(0).getTs1_Time()), pv1Ref.at(45), "PV1-45")
          .ifPresent(period::setEndElement);
      if (!period.isEmpty()) {
        account.setServicePeriod(period);
      }
    });
    String query = SearchUrls.identifierQuery(List.of(id));
    // a DFT refers to the account the billing system keeps; a BAR is that system speaking
    return bar ? ctx.transaction().updateWhere(account, query) : ctx.transaction().createIfNoneExist(account, query);
  }
}
