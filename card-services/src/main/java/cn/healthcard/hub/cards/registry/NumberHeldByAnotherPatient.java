package cn.healthcard.hub.cards.registry;

/**
 * The card number already belongs to another Patient (one Patient per card number): the card
 * would be shown on a second person. The message names that Patient, never the number.
 */
public class NumberHeldByAnotherPatient extends CardRegistryException {
  private final String otherPatientId;

  public NumberHeldByAnotherPatient(String otherPatientId) {
    super(
        "another Patient (Patient/"
            + otherPatientId
            + ") already carries this card number; merge the two records or correct the number first");
    this.otherPatientId = otherPatientId;
  }

  public String otherPatientId() {
    return otherPatientId;
  }
}
