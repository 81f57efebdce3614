package cn.healthcard.hub.cards.registry;

import java.sql.Connection;

/**
 * Told of every change to a card. {@link #inTransaction} runs on the registry's connection before
 * the commit (an outbox write commits or rolls back with the change); {@link #afterCommit} runs
 * once the change is durable (projections, certificate revocation), and must not throw for a
 * change that is already done.
 */
public interface RegistryListener {
  default void inTransaction(Connection connection, Card before, Card after, CardEvent event) {}

  default void afterCommit(Card before, Card after, CardEvent event, String reason) {}
}
