package cn.healthcard.hub.cards.registry;

import java.util.Arrays;
import java.util.Optional;

/** The three ways a card is issued in the province. */
public enum Channel {
  /** Bank-led: issued over the counter, registered by the bank's back office (signed). */
  BANK_BRANCH("bank-branch"),
  /** Bank-hospital partnership: a self-service kiosk reads the ID card and issues on the spot. */
  KIOSK("kiosk"),
  /** Health-commission-led: city then province review, factory production. */
  BATCH("batch");

  private final String code;

  Channel(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<Channel> fromCode(String code) {
    return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
  }

  public static Channel of(String code) {
    return fromCode(code).orElseThrow(() -> new IllegalStateException("unknown channel " + code));
  }
}
