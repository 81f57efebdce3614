package cn.healthcard.hub.payments.channel;

/** The channel has no statement for that day yet (a day not over, or not yet booked). */
public class StatementNotReady extends RuntimeException {

  public StatementNotReady(String message) {
    super(message);
  }
}
