package cn.healthcard.hub.cards.registry;

import java.util.Arrays;
import java.util.Optional;

/** Statuses of a physical card; codes are those of the hub's health-card-status code system. */
public enum CardStatus {
  APPLIED("applied"),
  APPROVED("approved"),
  REJECTED("rejected"),
  IN_PRODUCTION("in-production"),
  AWAITING_ACTIVATION("awaiting-activation"),
  ACTIVE("active"),
  FROZEN("frozen"),
  REPORTED_LOST("reported-lost"),
  REPLACED("replaced"),
  ON_HOLD("on-hold"),
  CANCELLED("cancelled");

  private final String code;

  CardStatus(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /**
   * A live card occupies its card number: at most one per number in the province (the database
   * enforces it with a partial unique index over exactly these statuses' complement).
   */
  public boolean isLive() {
    return this != REJECTED && this != REPLACED && this != CANCELLED;
  }

  public static Optional<CardStatus> fromCode(String code) {
    return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
  }

  public static CardStatus of(String code) {
    return fromCode(code).orElseThrow(() -> new IllegalStateException("unknown card status " + code));
  }
}
