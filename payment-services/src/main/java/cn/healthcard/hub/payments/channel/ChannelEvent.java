package cn.healthcard.hub.payments.channel;

import java.util.Optional;

/**
 * A verified notification: about a payment or about a refund.
 *
 * @param eventId the channel's id of this notification (the same one when the channel sends it again)
 */
public record ChannelEvent(String eventId, Optional<ChannelState> payment, Optional<ChannelRefund> refund) {

  public static ChannelEvent payment(String eventId, ChannelState state) {
    return new ChannelEvent(eventId, Optional.of(state), Optional.empty());
  }

  public static ChannelEvent refund(String eventId, ChannelRefund refund) {
    return new ChannelEvent(eventId, Optional.empty(), Optional.of(refund));
  }
}
