package cn.healthcard.hub.cards.hsm;

/**
 * The card's asymmetric credentials, sealed together with its symmetric keys: its SM2 private key
 * (PKCS#8 DER) and its X.509 certificate (DER). Either may be null.
 */
public record CardCredentials(byte[] privateKeyPkcs8, byte[] certificateDer) {}
