package cn.healthcard.hub.server.security.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** The hub's TLS server identity read from PEM files, as a key store for the TLS stacks. */
public final class PemKeyMaterial {
  public static final String ALIAS = "hub";
  /** The key store lives in memory only; its password protects nothing and is not a secret. */
  public static final char[] PASSWORD = "in-memory".toCharArray();

  private PemKeyMaterial() {}

  /**
   * @throws IllegalStateException naming the file that is missing or unreadable
   */
  public static KeyStore load(String certificateFile, String privateKeyFile) {
    List<X509Certificate> chain = new ArrayList<>();
    for (Object item : read(certificateFile)) {
      if (item instanceof X509CertificateHolder holder) {
        try {
          chain.add(new JcaX509CertificateConverter().getCertificate(holder));
        } catch (GeneralSecurityException e) {
          throw new IllegalStateException("hub.tls.certificate: unreadable certificate in " + certificateFile, e);
        }
      }
    }
    if (chain.isEmpty()) {
      throw new IllegalStateException("hub.tls.certificate: no certificate in " + certificateFile);
    }
    PrivateKey key = null;
    for (Object item : read(privateKeyFile)) {
      try {
        if (item instanceof PrivateKeyInfo info) {
          key = standard(info);
        } else if (item instanceof PEMKeyPair pair) {
          // "BEGIN EC/RSA PRIVATE KEY" (OpenSSL's own formats)
          key = standard(pair.getPrivateKeyInfo());
        }
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalStateException("hub.tls.private-key: unreadable key in " + privateKeyFile, e);
      }
    }
    if (key == null) {
      throw new IllegalStateException("hub.tls.private-key: no unencrypted private key in " + privateKeyFile);
    }
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry(ALIAS, key, PASSWORD, chain.toArray(X509Certificate[]::new));
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("hub.tls: the key does not fit the certificate", e);
    }
  }

  /**
   * The key as the JDK's own provider holds it, which the JDK's TLS signs with: BouncyCastle reads
   * every PEM form (an EC key in OpenSSL's format may name its curve only in the key itself), then
   * the JDK takes the PKCS #8 encoding BouncyCastle writes.
   */
  private static PrivateKey standard(PrivateKeyInfo info) throws IOException, GeneralSecurityException {
    PrivateKey read = new JcaPEMKeyConverter().setProvider(new BouncyCastleProvider()).getPrivateKey(info);
    String algorithm = info.getPrivateKeyAlgorithm().getAlgorithm().equals(X9ObjectIdentifiers.id_ecPublicKey)
        ? "EC" : "RSA";
    return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(read.getEncoded()));
  }

  private static List<Object> read(String file) {
    List<Object> items = new ArrayList<>();
    try (Reader reader = Files.newBufferedReader(Path.of(file), StandardCharsets.US_ASCII);
        PEMParser parser = new PEMParser(reader)) {
      for (Object item = parser.readObject(); item != null; item = parser.readObject()) {
        items.add(item);
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException("hub.tls: cannot read " + file, e);
    }
    return items;
  }
}
