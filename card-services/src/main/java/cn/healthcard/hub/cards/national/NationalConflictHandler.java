package cn.healthcard.hub.cards.national;

import java.util.UUID;

/**
 * The registry's side of a national conflict: the national system refused to register a card
 * because its number is live in a province (another one, or already this one). The registry puts
 * the card on hold with the reason.
 *
 * <p>Called by {@link NationalRegistrationSender} outside the registry's transactions, before the
 * outbox row is marked {@code conflict}: if marking fails the request is sent again and the
 * handler may be called again for the same card, so it must be idempotent. A handler that throws
 * leaves the request to be retried later. The reason contains no card number.
 */
@FunctionalInterface
public interface NationalConflictHandler {
  void onConflict(UUID cardId, String reason);
}
