package cn.healthcard.hub.payments.channel;

/** A notification that is not the channel's (bad signature, unknown key, expired) or cannot be read. */
public final class InvalidNotification extends RuntimeException {
  public InvalidNotification(String message) {
    super(message);
  }

  public InvalidNotification(String message, Throwable cause) {
    super(message, cause);
  }
}
