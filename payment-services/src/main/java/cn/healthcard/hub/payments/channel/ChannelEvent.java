package cn.healthcard.hub.payments.channel;

/**
 * A verified notification.
 *
 * @param eventId the channel's id of this notification (the same one when the channel sends it again)
 */
public record ChannelEvent(String eventId, ChannelState state) {}
