package cn.healthcard.hub.server.payments;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import cn.healthcard.hub.payments.order.PaymentOrder;
import cn.healthcard.hub.payments.order.PaymentRecords;
import cn.healthcard.hub.payments.order.PaymentRefund;
import cn.healthcard.hub.terminology.HubCodeSystems;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;
import java.util.TimeZone;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PaymentNotice;
import org.hl7.fhir.r4.model.Reference;

/**
 * Each payment and each refund as a {@code PaymentNotice} in the repository, written inside the
 * ledger's transaction (conditional update on the hub's payment or refund id, so a change applied
 * again writes nothing new): the amount (a refund's negative), the date, the institution as payee
 * and recipient, the order's invoice, charge item or encounter as the request, and the patient (an
 * extension: PaymentNotice has no element for it), found by the card number or the encounter.
 */
public final class FhirPaymentNotices implements PaymentRecords {

  private static final String PAYMENT_STATUS = "http://terminology.hl7.org/CodeSystem/paymentstatus";
  private static final TimeZone CHINA = TimeZone.getTimeZone("GMT+08:00");

  private final DaoRegistry daos;

  public FhirPaymentNotices(DaoRegistry daos) {
    this.daos = daos;
  }

  @Override
  public void paid(PaymentOrder order) {
    write(notice(order, HubCodeSystems.PAYMENT, order.id(), order.amount().yuan(), order.paidAt().orElse(order.createdAt())));
  }

  @Override
  public void refunded(PaymentOrder order, PaymentRefund refund) {
    PaymentNotice notice = notice(order, HubCodeSystems.PAYMENT_REFUND, refund.id(), refund.amount().yuan().negate(),
        refund.refundedAt().orElse(Instant.now()));
    // the payment this refund gives back
    notice.setResponse(new Reference().setIdentifier(new Identifier().setSystem(HubCodeSystems.PAYMENT).setValue(order.id())));
    write(notice);
  }

  private PaymentNotice notice(PaymentOrder order, String system, String id, BigDecimal yuan, Instant at) {
    PaymentNotice notice = new PaymentNotice();
    notice.addIdentifier().setSystem(system).setValue(id);
    notice.setStatus(PaymentNotice.PaymentNoticeStatus.ACTIVE);
    notice.setCreatedElement(new DateTimeType(Date.from(at), ca.uhn.fhir.model.api.TemporalPrecisionEnum.SECOND, CHINA));
    notice.setPaymentDateElement(new DateType(at.atOffset(java.time.ZoneOffset.ofHours(8)).toLocalDate().toString()));
    order.invoice().or(order::chargeItem).or(order::encounter).ifPresent(r -> notice.setRequest(request(r)));
    notice.setPayment(new Reference().setIdentifier(new Identifier().setSystem(HubCodeSystems.PAYMENT).setValue(order.id()))
        .setDisplay(order.channel() + " " + order.channelTransactionId().orElse("")));
    Reference institution = new Reference().setIdentifier(new Identifier().setSystem(HubCodeSystems.INSTITUTION)
        .setValue(order.institution()));
    notice.setPayee(institution.copy());
    notice.setRecipient(institution);
    notice.setAmount(new Money().setValue(yuan).setCurrency("CNY"));
    notice.setPaymentStatus(new CodeableConcept(new Coding(PAYMENT_STATUS, "paid", "Paid")));
    patient(order).ifPresent(p -> notice.addExtension(HubCodeSystems.PAYMENT_NOTICE_PATIENT, p));
    return notice;
  }

  /**
   * What was paid for: a reference when the repository has it; else its text (a hospital need not
   * have sent its invoices, and a dangling reference would stop the payment being recorded).
   */
  private Reference request(String reference) {
    return find(reference).isPresent() ? new Reference(reference) : new Reference().setDisplay(reference);
  }

  /**
   * The resource, by a search rather than a read: inside the ledger's transaction a read of a
   * missing resource throws, and HAPI's throw marks the whole transaction for rollback.
   */
  private Optional<org.hl7.fhir.instance.model.api.IBaseResource> find(String reference) {
    org.hl7.fhir.r4.model.IdType id = new org.hl7.fhir.r4.model.IdType(reference);
    if (!id.hasResourceType() || !id.hasIdPart() || !daos.isResourceTypeSupported(id.getResourceType())) {
      return Optional.empty();
    }
    @SuppressWarnings("unchecked")
    var dao = (ca.uhn.fhir.jpa.api.dao.IFhirResourceDao<org.hl7.fhir.instance.model.api.IBaseResource>)
        daos.getResourceDao(id.getResourceType());
    var found = dao.searchForIds(SearchParameterMap.newSynchronous("_id", new TokenParam(id.getIdPart())),
        new SystemRequestDetails());
    return found.isEmpty() ? Optional.empty() : Optional.of(dao.readByPid(found.get(0)));
  }

  /** The payer: the Patient with the card number, or the encounter's subject. */
  private Optional<Reference> patient(PaymentOrder order) {
    if (order.patient().isPresent()) {
      String[] card = order.patient().get().split("\\|", 2);
      SearchParameterMap byCard = SearchParameterMap.newSynchronous("identifier", new TokenParam(card[0], card[1]));
      byCard.setCount(2);
      var dao = daos.getResourceDao(Patient.class);
      var found = dao.searchForIds(byCard, new SystemRequestDetails());
      if (found.size() == 1) {
        return Optional.of(new Reference("Patient/" + dao.readByPid(found.get(0)).getIdElement().getIdPart()));
      }
      return Optional.of(new Reference().setIdentifier(new Identifier().setSystem(card[0]).setValue(card[1])));
    }
    if (order.encounter().isPresent()) {
      return find(order.encounter().get()).filter(Encounter.class::isInstance).map(Encounter.class::cast)
          .filter(Encounter::hasSubject).map(e -> new Reference(e.getSubject().getReference()));
    }
    return Optional.empty();
  }

  private void write(PaymentNotice notice) {
    Identifier id = notice.getIdentifierFirstRep();
    daos.getResourceDao(PaymentNotice.class).update(notice,
        "PaymentNotice?identifier=" + id.getSystem() + "|" + id.getValue(), new SystemRequestDetails());
  }
}
