package cn.healthcard.hub.cards.registry;

import java.util.Arrays;
import java.util.Optional;

/**
 * What can happen to a card. The first seven are the ones clients send through
 * {@code $card-event}; the others are raised by the platform itself (review, production,
 * national registry) or by an operator ({@link #RELEASE_HOLD}).
 */
public enum CardEvent {
  ACTIVATE("activate", true),
  FREEZE("freeze", true),
  UNFREEZE("unfreeze", true),
  REPORT_LOST("report-lost", true),
  FOUND("found", true),
  REPLACE("replace", true),
  CANCEL("cancel", true),
  /** Operators only ({@code POST /admin/cards/{cardNumber}/release-hold}), never a client. */
  RELEASE_HOLD("release-hold", false),
  ISSUE("issue", false),
  APPROVE("approve", false),
  REJECT("reject", false),
  START_PRODUCTION("start-production", false),
  PRODUCED("produced", false),
  PRODUCTION_FAILED("production-failed", false),
  NATIONAL_CONFLICT("national-conflict", false),
  REVIEW("review", false),
  KEYS_INJECTED("keys-injected", false),
  /** A child card applied for without an ID number receives it from household registration. */
  NUMBER_ASSIGNED("number-assigned", false);

  private final String code;
  private final boolean clientEvent;

  CardEvent(String code, boolean clientEvent) {
    this.code = code;
    this.clientEvent = clientEvent;
  }

  public String code() {
    return code;
  }

  /** Whether a client may send it through {@code $card-event}. */
  public boolean isClientEvent() {
    return clientEvent;
  }

  public static Optional<CardEvent> fromCode(String code) {
    return Arrays.stream(values()).filter(e -> e.code.equals(code)).findFirst();
  }
}
