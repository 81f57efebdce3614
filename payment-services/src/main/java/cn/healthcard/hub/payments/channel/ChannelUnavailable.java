package cn.healthcard.hub.payments.channel;

/** The channel could not be reached or answered an error; the hospital may try again. */
public final class ChannelUnavailable extends RuntimeException {
  public ChannelUnavailable(String message, Throwable cause) {
    super(message, cause);
  }
}
