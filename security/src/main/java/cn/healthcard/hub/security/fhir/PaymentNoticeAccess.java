package cn.healthcard.hub.security.fhir;

import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.terminology.HubCodeSystems;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PaymentNotice;
import org.hl7.fhir.r4.model.Reference;

/**
 * Who sees a payment: a PaymentNotice is about money, not care, so a treatment relationship does
 * not open it. The institution paid (a hospital's client bound to it), the patient who paid (a
 * resident), and the hub's operators see it; no one else does.
 */
final class PaymentNoticeAccess {

  private PaymentNoticeAccess() {}

  static boolean maySee(Caller caller, PaymentNotice notice) {
    if (caller.has(Role.OPERATOR)) {
      return true;
    }
    if (caller.has(Role.HOSPITAL) && caller.institution() != null && notice.hasPayee()
        && HubCodeSystems.INSTITUTION.equals(notice.getPayee().getIdentifier().getSystem())
        && caller.institution().equals(notice.getPayee().getIdentifier().getValue())) {
      return true;
    }
    if (caller.has(Role.RESIDENT) && caller.patient() != null) {
      Extension payer = notice.getExtensionByUrl(HubCodeSystems.PAYMENT_NOTICE_PATIENT);
      return payer != null && payer.getValue() instanceof Reference r && r.hasReference()
          && ("Patient/" + caller.patient()).equals(r.getReferenceElement().toUnqualifiedVersionless().getValue());
    }
    return false;
  }
}
