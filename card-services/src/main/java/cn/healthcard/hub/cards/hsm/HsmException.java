package cn.healthcard.hub.cards.hsm;

/** A refusal or failure of the HSM. Its message never carries key material or card data. */
public class HsmException extends RuntimeException {
  public HsmException(String message) {
    super(message);
  }

  public HsmException(String message, Throwable cause) {
    super(message, cause);
  }
}
