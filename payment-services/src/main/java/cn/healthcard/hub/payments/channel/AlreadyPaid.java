package cn.healthcard.hub.payments.channel;

/** The channel refused to close an order because the payer has paid it. */
public final class AlreadyPaid extends RuntimeException {
  public AlreadyPaid(String outTradeNo) {
    super("the channel says order " + outTradeNo + " is paid");
  }
}
