package cn.healthcard.hub.cards.hsm;

import java.security.PublicKey;
import java.util.Optional;

/**
 * The hardware security module (encryption machine) of the card platform. In production this is
 * a PKCS#11 device; {@link SoftwareHsm} implements it in memory for development and tests.
 *
 * <p>Secret material never leaves it in clear: no method returns a private key, a master key or
 * a card key. What comes out is public keys, signatures, decrypted session keys the caller was
 * meant to read, card keys encrypted to a recipient, check values and MAC verdicts.
 *
 * <p>Keys are named by alias. An SM2 key pair is created for one usage, signing or decryption,
 * and refuses the other (the national dual-certificate practice: a signing key never decrypts).
 *
 * <p>Card keys are derived per card by diversification: for each {@link CardKeyType},
 * {@code cardKey = SM4-ECB(masterKey[type], D)} with {@code D = SM3(cardNumber || chipSerial)[0..16)}
 * (both strings trimmed and upper-cased, UTF-8). The diversification code identifies that key set
 * for the card's whole lifecycle.
 */
public interface Hsm {

  /**
   * Creates an SM2 signing key pair under {@code alias} if there is none, and returns its public
   * key. Concurrent callers, in this process or another sharing the same key store, all get the
   * same key.
   *
   * @throws HsmException if {@code alias} names a key of another kind
   */
  PublicKey ensureSigningKey(String alias);

  /** As {@link #ensureSigningKey} for an SM2 key pair used only to decrypt. */
  PublicKey ensureDecryptionKey(String alias);

  /** The public key of an existing SM2 key pair, of either usage. */
  Optional<PublicKey> publicKey(String alias);

  /**
   * SM3withSM2 signature (default user id, DER-encoded) of {@code data}.
   *
   * @throws HsmException if there is no signing key under {@code alias}
   */
  byte[] sign(String alias, byte[] data);

  /**
   * SM2 public-key decryption (GM/T 0003.4, ciphertext C1||C3||C2 with an uncompressed C1) with
   * the private key under {@code alias}: opens what a partner encrypted to that key's public key.
   *
   * @throws HsmException if there is no decryption key under {@code alias} or the ciphertext does
   *     not decrypt
   */
  byte[] decrypt(String alias, byte[] sm2Ciphertext);

  /** The card's diversification code: a stable hex code naming its key set. */
  String diversificationCode(String cardNumber, String chipSerial);

  /** {@link #exportCardKeys(String, String, PublicKey, CardCredentials)} without credentials. */
  default WrappedCardKeys exportCardKeys(String cardNumber, String chipSerial, PublicKey recipient) {
    return exportCardKeys(cardNumber, chipSerial, recipient, null);
  }

  /**
   * Derives the card's keys and returns them sealed for {@code recipient}: a fresh SM4 session key
   * encrypts a {@link CardKeyPackage} (SM4-CBC, PKCS#7 padding) and is itself SM2-encrypted to
   * {@code recipient}. The card's asymmetric {@code credentials}, when given, travel in the same
   * package, so the card-production system opens one envelope for everything it injects.
   */
  WrappedCardKeys exportCardKeys(
      String cardNumber, String chipSerial, PublicKey recipient, CardCredentials credentials);

  /**
   * True when {@code mac} is the card's answer to {@code challenge}: SM4 CBC-MAC (ISO/IEC 9797-1
   * MAC algorithm 1, padding method 2, zero IV, full 16-byte output) under the card's
   * {@link CardKeyType#AUTH} key, compared in constant time. False for any wrong input, including
   * a MAC of the wrong length or a challenge shorter than 8 bytes.
   */
  boolean verifyCardMac(String cardNumber, String chipSerial, byte[] challenge, byte[] mac);
}
