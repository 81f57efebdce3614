package cn.healthcard.hub.payments.order;

/**
 * Where the ledger's outcomes become FHIR resources (a PaymentNotice per payment and per refund),
 * called inside the ledger's transaction: the record and the ledger row commit together, so a
 * paid order always has its notice and a failed write leaves the change for the channel to send
 * again. Implemented by the server on its repository.
 */
public interface PaymentRecords {

  /** The order has just become paid. */
  void paid(PaymentOrder order);

  /** A refund of the order has just been made. */
  void refunded(PaymentOrder order, PaymentRefund refund);

  /** No records (module tests). */
  PaymentRecords NONE = new PaymentRecords() {
    @Override
    public void paid(PaymentOrder order) {}

    @Override
    public void refunded(PaymentOrder order, PaymentRefund refund) {}
  };
}
