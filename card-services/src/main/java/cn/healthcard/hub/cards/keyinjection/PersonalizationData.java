package cn.healthcard.hub.cards.keyinjection;

/**
 * The card's personalization data, the plaintext of {@link PersonalizationRequest#encryptedData()}.
 * {@code producerId} repeats the envelope's producer so that a sealed payload cannot be re-signed
 * and submitted by another producer. {@code batchId} is null for a card issued on the spot (bank
 * branch, kiosk). {@link #toString()} hides the card number and the name.
 *
 * @param cardType {@code adult} or {@code child}
 */
public record PersonalizationData(
    String producerId,
    String cardNumber,
    String chipSerial,
    String cardType,
    String batchId,
    String name) {

  /** Data not yet bound to a producer (the client fills the producer id in). */
  public static PersonalizationData of(
      String cardNumber, String chipSerial, String cardType, String batchId, String name) {
    return new PersonalizationData(null, cardNumber, chipSerial, cardType, batchId, name);
  }

  public PersonalizationData withProducer(String newProducerId) {
    return new PersonalizationData(newProducerId, cardNumber, chipSerial, cardType, batchId, name);
  }

  @Override
  public String toString() {
    return "PersonalizationData[producer="
        + producerId
        + ", cardType="
        + cardType
        + ", batch="
        + batchId
        + ", card number and name hidden]";
  }
}
