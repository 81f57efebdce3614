package cn.healthcard.hub.cards.registry;

import java.util.Arrays;
import java.util.Optional;

public enum CardType {
  ADULT("adult"),
  /** The 0-6 child health card, created from a birth record and completed later. */
  CHILD("child");

  private final String code;

  CardType(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<CardType> fromCode(String code) {
    return Arrays.stream(values()).filter(c -> c.code.equals(code)).findFirst();
  }

  public static CardType of(String code) {
    return fromCode(code).orElseThrow(() -> new IllegalStateException("unknown card type " + code));
  }
}
