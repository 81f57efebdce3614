package cn.healthcard.hub.terminology.identity;

/** A resident identity number failed validation. The message never contains the number. */
public class InvalidResidentIdNumberException extends IllegalArgumentException {
  public InvalidResidentIdNumberException(String reason) {
    super(reason);
  }
}
