package cn.healthcard.hub.cards.hsm;

import java.util.Optional;

/**
 * Where {@link SoftwareHsm} keeps its keys between restarts, only ever wrapped: {@code wrapped}
 * is SM4-GCM under the HSM's key-encryption key, {@code publicPart} is public (an SM2 public key,
 * or the key-encryption-key parameters). A store never sees a key in clear.
 */
public interface HsmKeyStore {

  /** Kinds of entries. */
  String KEK_PARAMETERS = "kek-params";
  String MASTER_KEY = "sm4-master";
  String SIGNING_KEY = "sm2-sign";
  String DECRYPTION_KEY = "sm2-decrypt";

  record Entry(String alias, String kind, byte[] publicPart, byte[] wrapped) {}

  Optional<Entry> load(String alias);

  /**
   * Stores {@code entry} unless its alias is taken, and returns the entry stored under the alias
   * afterwards: {@code entry} itself, or the one a concurrent writer stored first.
   */
  Entry insertIfAbsent(Entry entry);
}
