package cn.healthcard.hub.cards.keyinjection;

import java.security.PublicKey;
import java.util.Optional;

/**
 * Port: the registered SM2 public keys of card-production systems (card factories, bank back
 * offices, kiosks). Empty for an unknown producer and for a disabled one.
 */
@FunctionalInterface
public interface ProducerKeys {
  Optional<PublicKey> find(String producerId);
}
