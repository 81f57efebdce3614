package cn.healthcard.hub.cards.registry;

import java.time.Instant;
import java.util.UUID;

/** One event in a card's history: who did what, when, why, and what it changed. */
public record CardHistoryEntry(
    UUID cardId,
    String event,
    CardStatus from,
    CardStatus to,
    String actor,
    String reason,
    Instant at) {}
