package cn.healthcard.hub.cards.keyinjection;

/**
 * Step 6: the producer reports that the keys of an answered request are in the card.
 * {@link #toString()} hides the card number.
 *
 * @param signature Base64 of the producer's SM3withSM2 signature over {@link
 *     KeyInjectionCanonical#confirmation}
 */
public record InjectionConfirmation(
    String requestId,
    String cardNumber,
    String chipSerial,
    String diversificationCode,
    String signature) {

  public InjectionConfirmation withSignature(String newSignature) {
    return new InjectionConfirmation(
        requestId, cardNumber, chipSerial, diversificationCode, newSignature);
  }

  @Override
  public String toString() {
    return "InjectionConfirmation[" + requestId + ", " + diversificationCode + ", card number hidden]";
  }
}
