package cn.healthcard.hub.payments.order;

import java.util.Optional;

/**
 * What a hospital asks to be paid.
 *
 * @param institution the hospital (from its client, never from the request body)
 * @param merchantOrderNo the hospital's own number, unique per institution (the idempotency key)
 * @param patient the payer's card number as {@code system|value}, or empty with an encounter
 * @param encounter a reference to the visit, or empty with a patient
 * @param payerAuthorization what the payer authorised in their app, for a channel that needs it
 *     (the medical insurance's {@code payAuthNo}); passed to the channel, never stored
 */
public record NewPayment(
    String institution,
    String channel,
    String merchantOrderNo,
    Fen amount,
    Optional<String> patient,
    Optional<String> encounter,
    Optional<String> chargeItem,
    Optional<String> invoice,
    String description,
    Optional<String> payerAuthorization) {

  /** An order for a channel that needs no authorisation from the payer. */
  public NewPayment(String institution, String channel, String merchantOrderNo, Fen amount, Optional<String> patient,
      Optional<String> encounter, Optional<String> chargeItem, Optional<String> invoice, String description) {
    this(institution, channel, merchantOrderNo, amount, patient, encounter, chargeItem, invoice, description,
        Optional.empty());
  }

  @Override
  public String toString() {
    // the authorisation is the payer's: never in a log line
    return "NewPayment[" + institution + ", " + channel + ", " + merchantOrderNo + ", " + amount + "]";
  }
}
