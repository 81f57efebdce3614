package cn.healthcard.hub.cards.ca;

import cn.healthcard.hub.cards.hsm.Hsm;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.gm.GMObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLDistPoint;
import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.DistributionPoint;
import org.bouncycastle.asn1.x509.DistributionPointName;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provincial Health CA: an SM2 root CA and one issuing CA that certifies cards' SM2 keys and
 * publishes the CRL. Both CA private keys live in the {@link Hsm} (aliases {@value
 * #ROOT_KEY_ALIAS}, {@value #ISSUING_KEY_ALIAS}); certificates and CRLs are signed SM3withSM2
 * through {@link HsmContentSigner}.
 *
 * <p>The first start creates the root (self-signed) and the issuing CA certificate and stores
 * them; later starts, and other instances, reuse them (creation is insert-if-absent and re-read,
 * so racing instances agree). A start whose stored certificates do not match the HSM's keys fails.
 *
 * <p>Card certificates name only an opaque subject id (the registry's card UUID) with O={@value
 * #CARD_ORGANIZATION}: no card number, no name. Serial numbers are random 128-bit positive
 * integers, written as lower-case hex in the tables and in the key-injection protocol.
 *
 * <p>Thread-safe. The CRL is cached and regenerated when a revocation changed (in this or another
 * instance) or when it is older than {@link Settings#crlRefresh()}.
 */
public final class HealthCa {
  public static final String ROOT_KEY_ALIAS = "health-ca/root";
  public static final String ISSUING_KEY_ALIAS = "health-ca/issuing";
  public static final String CARD_ORGANIZATION = "Liaoning Resident Health Card";

  private static final Logger LOG = LoggerFactory.getLogger(HealthCa.class);
  private static final Pattern UUID_TEXT =
      Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  private static final String ROOT = "root";
  private static final String ISSUING = "issuing";

  /**
   * @param crlDistributionPoint URL put in card certificates, or null for none
   */
  public record Settings(
      String rootName,
      String issuingName,
      Duration rootValidity,
      Duration issuingValidity,
      Duration crlValidity,
      Duration crlRefresh,
      String crlDistributionPoint) {

    public static Settings defaults() {
      return new Settings(
          "CN=Liaoning Health Root CA,O=Liaoning Provincial Health Commission,C=CN",
          "CN=Liaoning Health Issuing CA 1,O=Liaoning Provincial Health Commission,C=CN",
          Duration.ofDays(20 * 365 + 5),
          Duration.ofDays(10 * 365 + 2),
          Duration.ofDays(1),
          Duration.ofHours(1),
          null);
    }

    public Settings withCrlDistributionPoint(String url) {
      return new Settings(
          rootName, issuingName, rootValidity, issuingValidity, crlValidity, crlRefresh, url);
    }
  }

  private record CachedCrl(long version, Instant thisUpdate, byte[] der) {}

  private final DataSource dataSource;
  private final Hsm hsm;
  private final Settings settings;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();
  private final X509Certificate root;
  private final X509Certificate issuing;
  private final JcaX509ExtensionUtils extensions;
  private volatile CachedCrl crl;

  public HealthCa(DataSource dataSource, Hsm hsm) {
    this(dataSource, hsm, Settings.defaults(), Clock.systemUTC());
  }

  /**
   * Loads the CA, creating it on first start.
   *
   * @throws IllegalStateException if the stored CA certificates do not match the HSM's keys
   */
  public HealthCa(DataSource dataSource, Hsm hsm, Settings settings, Clock clock) {
    this.dataSource = dataSource;
    this.hsm = hsm;
    this.settings = settings;
    this.clock = clock;
    try {
      this.extensions = new JcaX509ExtensionUtils();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-1 key identifiers are not available", e);
    }
    PublicKey rootKey = hsm.ensureSigningKey(ROOT_KEY_ALIAS);
    this.root = loadCaCertificate(ROOT).orElseGet(() -> storeCaCertificate(ROOT, createRoot(rootKey)));
    requireMatches(root, rootKey, rootKey, ROOT);
    PublicKey issuingKey = hsm.ensureSigningKey(ISSUING_KEY_ALIAS);
    this.issuing =
        loadCaCertificate(ISSUING)
            .orElseGet(() -> storeCaCertificate(ISSUING, createIssuing(issuingKey)));
    requireMatches(issuing, issuingKey, rootKey, ISSUING);
  }

  public X509Certificate rootCertificate() {
    return root;
  }

  public X509Certificate issuingCertificate() {
    return issuing;
  }

  // ---------------------------------------------------------------- CA certificates

  private X509Certificate createRoot(PublicKey rootKey) {
    Instant now = now();
    X500Name name = new X500Name(settings.rootName());
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            name,
            newSerial(),
            Date.from(now),
            Date.from(now.plus(settings.rootValidity())),
            name,
            rootKey);
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(
              Extension.subjectKeyIdentifier, false, extensions.createSubjectKeyIdentifier(rootKey));
    } catch (CertIOException e) {
      throw new IllegalStateException("cannot build the root certificate", e);
    }
    return sign(builder, ROOT_KEY_ALIAS);
  }

  private X509Certificate createIssuing(PublicKey issuingKey) {
    Instant now = now();
    Instant notAfter = min(now.plus(settings.issuingValidity()), root.getNotAfter().toInstant());
    X509v3CertificateBuilder builder =
        new JcaX509v3CertificateBuilder(
            root,
            newSerial(),
            Date.from(now),
            Date.from(notAfter),
            new X500Name(settings.issuingName()),
            issuingKey);
    try {
      builder
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
          .addExtension(
              Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
          .addExtension(
              Extension.subjectKeyIdentifier,
              false,
              extensions.createSubjectKeyIdentifier(issuingKey))
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensions.createAuthorityKeyIdentifier(root));
    } catch (CertIOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot build the issuing CA certificate", e);
    }
    return sign(builder, ROOT_KEY_ALIAS);
  }

  private X509Certificate sign(X509v3CertificateBuilder builder, String keyAlias) {
    X509CertificateHolder holder = builder.build(new HsmContentSigner(hsm, keyAlias));
    try {
      return new JcaX509CertificateConverter().setProvider(Sm2.PROVIDER).getCertificate(holder);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the HSM produced an unreadable certificate", e);
    }
  }

  private static void requireMatches(
      X509Certificate certificate, PublicKey key, PublicKey signer, String which) {
    if (!Arrays.equals(certificate.getPublicKey().getEncoded(), key.getEncoded())) {
      throw new IllegalStateException(
          "the stored " + which + " CA certificate does not match the HSM's " + which + " key");
    }
    try {
      certificate.verify(signer, Sm2.PROVIDER);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the stored " + which + " CA certificate does not verify", e);
    }
  }

  private Optional<X509Certificate> loadCaCertificate(String alias) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement("select der from hub.ca_certificate where alias = ?")) {
      select.setString(1, alias);
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(parse(row.getBytes(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the " + alias + " CA certificate", e);
    }
  }

  private X509Certificate storeCaCertificate(String alias, X509Certificate certificate) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "insert into hub.ca_certificate (alias, serial, subject, not_after, der)"
                    + " values (?, ?, ?, ?, ?) on conflict (alias) do nothing")) {
      insert.setString(1, alias);
      insert.setString(2, certificate.getSerialNumber().toString(16));
      insert.setString(3, certificate.getSubjectX500Principal().getName());
      insert.setTimestamp(4, Timestamp.from(certificate.getNotAfter().toInstant()));
      insert.setBytes(5, certificate.getEncoded());
      if (insert.executeUpdate() == 1) {
        LOG.info("Health CA: created the {} certificate", alias);
      }
    } catch (SQLException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot store the " + alias + " CA certificate", e);
    }
    // another instance may have stored its own first: everyone uses the stored one
    return loadCaCertificate(alias)
        .orElseThrow(() -> new IllegalStateException("the " + alias + " CA certificate vanished"));
  }

  // ---------------------------------------------------------------- card certificates

  /**
   * Certifies a card's SM2 public key. The validity starts now and ends after {@code validity},
   * or when the issuing CA certificate ends if that is sooner.
   *
   * @param subjectId the registry's card UUID (lower-case canonical form); anything else, in
   *     particular a card number or a name, is refused
   * @throws IllegalArgumentException for a subject id that is not a UUID, a key that is not SM2,
   *     or a validity that is not positive
   */
  public X509Certificate issueCardCertificate(
      String subjectId, PublicKey cardPublicKey, Duration validity) {
    if (subjectId == null || !UUID_TEXT.matcher(subjectId).matches()) {
      throw new IllegalArgumentException("the certificate subject must be a lower-case UUID");
    }
    requireSm2(cardPublicKey);
    if (validity == null || validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("the certificate validity must be positive");
    }
    Instant notBefore = now();
    Instant notAfter = notAfter(notBefore, validity);
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.C, "CN")
            .addRDN(BCStyle.O, CARD_ORGANIZATION)
            .addRDN(BCStyle.CN, subjectId)
            .build();
    return issue(subject, subjectId, cardPublicKey, notBefore, notAfter, null);
  }

  /**
   * Signs an end-entity certificate with the issuing CA and records it, so that its status can be
   * asked and it can be revoked. {@code extendedKeyUsage} is null for none.
   */
  X509Certificate issue(
      X500Name subject,
      String subjectId,
      PublicKey publicKey,
      Instant notBefore,
      Instant notAfter,
      ExtendedKeyUsage extendedKeyUsage) {
    for (int attempt = 0; ; attempt++) {
      BigInteger serial = newSerial();
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              issuing, serial, Date.from(notBefore), Date.from(notAfter), subject, publicKey);
      try {
        builder
            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
            .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
            .addExtension(
                Extension.subjectKeyIdentifier,
                false,
                extensions.createSubjectKeyIdentifier(publicKey))
            .addExtension(
                Extension.authorityKeyIdentifier,
                false,
                extensions.createAuthorityKeyIdentifier(issuing));
        if (extendedKeyUsage != null) {
          builder.addExtension(Extension.extendedKeyUsage, false, extendedKeyUsage);
        }
        if (settings.crlDistributionPoint() != null) {
          GeneralNames location =
              new GeneralNames(
                  new GeneralName(
                      GeneralName.uniformResourceIdentifier, settings.crlDistributionPoint()));
          builder.addExtension(
              Extension.cRLDistributionPoints,
              false,
              new CRLDistPoint(
                  new DistributionPoint[] {
                    new DistributionPoint(new DistributionPointName(location), null, null)
                  }));
        }
      } catch (CertIOException | GeneralSecurityException e) {
        throw new IllegalStateException("cannot build a certificate", e);
      }
      X509Certificate certificate = sign(builder, ISSUING_KEY_ALIAS);
      if (recordIssued(certificate, subjectId)) {
        return certificate;
      }
      if (attempt == 3) {
        throw new IllegalStateException("no free certificate serial number");
      }
    }
  }

  /** When a certificate issued now for {@code validity} ends: never after the issuing CA's. */
  Instant notAfter(Instant notBefore, Duration validity) {
    return min(notBefore.plus(validity), issuing.getNotAfter().toInstant());
  }

  Instant currentTime() {
    return now();
  }

  private boolean recordIssued(X509Certificate certificate, String subjectId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement insert =
            connection.prepareStatement(
                "insert into hub.ca_issued_certificate"
                    + " (serial, subject_id, not_before, not_after, der) values (?, ?, ?, ?, ?)"
                    + " on conflict (serial) do nothing")) {
      insert.setString(1, certificate.getSerialNumber().toString(16));
      insert.setString(2, subjectId);
      insert.setTimestamp(3, Timestamp.from(certificate.getNotBefore().toInstant()));
      insert.setTimestamp(4, Timestamp.from(certificate.getNotAfter().toInstant()));
      insert.setBytes(5, certificate.getEncoded());
      return insert.executeUpdate() == 1;
    } catch (SQLException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot record an issued certificate", e);
    }
  }

  /** A card certificate this CA issued, if any. */
  public Optional<X509Certificate> issuedCertificate(BigInteger serial) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "select der from hub.ca_issued_certificate where serial = ?")) {
      select.setString(1, serial.toString(16));
      try (ResultSet row = select.executeQuery()) {
        return row.next() ? Optional.of(parse(row.getBytes(1))) : Optional.empty();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read an issued certificate", e);
    }
  }

  /** The status of a card certificate this CA issued; empty for a serial it never issued. */
  public Optional<CertificateStatus> status(BigInteger serial) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "select c.subject_id, c.not_before, c.not_after, r.reason, r.revoked_at"
                    + " from hub.ca_issued_certificate c"
                    + " left join hub.ca_revocation r on r.serial = c.serial"
                    + " where c.serial = ?")) {
      select.setString(1, serial.toString(16));
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        String reason = row.getString(4);
        Timestamp revokedAt = row.getTimestamp(5);
        return Optional.of(
            new CertificateStatus(
                serial,
                row.getString(1),
                row.getTimestamp(2).toInstant(),
                row.getTimestamp(3).toInstant(),
                reason == null ? null : RevocationReason.fromToken(reason),
                revokedAt == null ? null : revokedAt.toInstant()));
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read a certificate status", e);
    }
  }

  /** Every certificate issued to a subject, newest first. */
  List<CertificateStatus> statusesOf(String subjectId) {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement(
                "select c.serial, c.not_before, c.not_after, r.reason, r.revoked_at"
                    + " from hub.ca_issued_certificate c"
                    + " left join hub.ca_revocation r on r.serial = c.serial"
                    + " where c.subject_id = ? order by c.not_before desc, c.serial")) {
      select.setString(1, subjectId);
      List<CertificateStatus> statuses = new ArrayList<>();
      try (ResultSet row = select.executeQuery()) {
        while (row.next()) {
          String reason = row.getString(4);
          Timestamp revokedAt = row.getTimestamp(5);
          statuses.add(
              new CertificateStatus(
                  new BigInteger(row.getString(1), 16),
                  subjectId,
                  row.getTimestamp(2).toInstant(),
                  row.getTimestamp(3).toInstant(),
                  reason == null ? null : RevocationReason.fromToken(reason),
                  revokedAt == null ? null : revokedAt.toInstant()));
        }
      }
      return statuses;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read certificate statuses", e);
    }
  }

  // ---------------------------------------------------------------- revocation

  /**
   * Revokes a card certificate, or puts it on hold. Idempotent: the same revocation again changes
   * nothing. A hold may become a permanent revocation, and any permanent revocation may become
   * {@link RevocationReason#KEY_COMPROMISE}; other changes to a permanent revocation, and a hold
   * on a permanently revoked certificate, are ignored (the first permanent reason stands).
   *
   * @throws IllegalArgumentException for a serial this CA never issued
   */
  public void revoke(BigInteger serial, RevocationReason reason) {
    if (reason == null) {
      throw new IllegalArgumentException("a revocation needs a reason");
    }
    inTransaction(
        connection -> {
          Optional<Optional<RevocationReason>> current = lockedRevocation(connection, serial);
          if (current.isEmpty()) {
            throw new IllegalArgumentException("no certificate with serial " + serial.toString(16));
          }
          Optional<RevocationReason> existing = current.get();
          if (existing.isEmpty()) {
            try (PreparedStatement insert =
                connection.prepareStatement(
                    "insert into hub.ca_revocation (serial, reason, revoked_at) values (?, ?, ?)")) {
              insert.setString(1, serial.toString(16));
              insert.setString(2, reason.token());
              insert.setTimestamp(3, Timestamp.from(now()));
              insert.executeUpdate();
            }
          } else if (existing.get() != reason
              && (!existing.get().isPermanent() || reason == RevocationReason.KEY_COMPROMISE)
              && reason.isPermanent()) {
            // the revocation date stays the date of the first revocation or hold
            try (PreparedStatement update =
                connection.prepareStatement(
                    "update hub.ca_revocation set reason = ?, updated_at = now() where serial = ?")) {
              update.setString(1, reason.token());
              update.setString(2, serial.toString(16));
              update.executeUpdate();
            }
          } else {
            return;
          }
          revocationsChanged(connection);
          LOG.info("Health CA: certificate {} revoked ({})", serial.toString(16), reason.token());
        });
  }

  /**
   * Lifts a {@link RevocationReason#CERTIFICATE_HOLD} (a card reported lost and then found). A
   * certificate that is not revoked is left as it is.
   *
   * @throws IllegalArgumentException for a serial this CA never issued
   * @throws IllegalStateException if the certificate is permanently revoked
   */
  public void releaseHold(BigInteger serial) {
    inTransaction(
        connection -> {
          Optional<Optional<RevocationReason>> current = lockedRevocation(connection, serial);
          if (current.isEmpty()) {
            throw new IllegalArgumentException("no certificate with serial " + serial.toString(16));
          }
          if (current.get().isEmpty()) {
            return;
          }
          if (current.get().get().isPermanent()) {
            throw new IllegalStateException(
                "certificate " + serial.toString(16) + " is permanently revoked");
          }
          try (PreparedStatement delete =
              connection.prepareStatement("delete from hub.ca_revocation where serial = ?")) {
            delete.setString(1, serial.toString(16));
            delete.executeUpdate();
          }
          revocationsChanged(connection);
          LOG.info("Health CA: hold on certificate {} released", serial.toString(16));
        });
  }

  /** Empty: no such certificate; Optional.empty inside: issued and not revoked. */
  private static Optional<Optional<RevocationReason>> lockedRevocation(
      Connection connection, BigInteger serial) throws SQLException {
    try (PreparedStatement select =
        connection.prepareStatement(
            "select r.reason from hub.ca_issued_certificate c"
                + " left join hub.ca_revocation r on r.serial = c.serial"
                + " where c.serial = ? for update of c")) {
      select.setString(1, serial.toString(16));
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        String reason = row.getString(1);
        return Optional.of(Optional.ofNullable(reason).map(RevocationReason::fromToken));
      }
    }
  }

  private void revocationsChanged(Connection connection) throws SQLException {
    try (PreparedStatement bump =
        connection.prepareStatement(
            "insert into hub.ca_revocation_state (id, version)"
                + " values (1, nextval('hub.ca_revocation_change'))"
                + " on conflict (id) do update set version = excluded.version")) {
      bump.executeUpdate();
    }
    crl = null;
  }

  // ---------------------------------------------------------------- CRL

  /**
   * The current CRL (DER), signed by the issuing CA: thisUpdate when it was generated, nextUpdate
   * {@link Settings#crlValidity()} later, an increasing CRL number, an entry with its reason code
   * for every revoked or held certificate that has not expired yet.
   */
  public byte[] crlDer() {
    long version = revocationVersion();
    CachedCrl cached = crl;
    if (fresh(cached, version)) {
      return cached.der().clone();
    }
    synchronized (this) {
      cached = crl;
      if (!fresh(cached, version)) {
        cached = generateCrl(version);
        crl = cached;
      }
      return cached.der().clone();
    }
  }

  /** {@link #crlDer()} parsed. */
  public X509CRL crl() {
    try {
      return new JcaX509CRLConverter()
          .setProvider(Sm2.PROVIDER)
          .getCRL(new X509CRLHolder(crlDer()));
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("unreadable CRL", e);
    }
  }

  private boolean fresh(CachedCrl cached, long version) {
    return cached != null
        && cached.version() == version
        && now().isBefore(cached.thisUpdate().plus(settings.crlRefresh()));
  }

  private CachedCrl generateCrl(long version) {
    Instant thisUpdate = now();
    X509v2CRLBuilder builder =
        new X509v2CRLBuilder(
            X500Name.getInstance(issuing.getSubjectX500Principal().getEncoded()),
            Date.from(thisUpdate));
    builder.setNextUpdate(Date.from(thisUpdate.plus(settings.crlValidity())));
    try (Connection connection = dataSource.getConnection()) {
      long number;
      try (PreparedStatement next =
              connection.prepareStatement("select nextval('hub.ca_crl_number')");
          ResultSet row = next.executeQuery()) {
        row.next();
        number = row.getLong(1);
      }
      List<Object[]> entries = new ArrayList<>();
      try (PreparedStatement select =
          connection.prepareStatement(
              "select r.serial, r.reason, r.revoked_at from hub.ca_revocation r"
                  + " join hub.ca_issued_certificate c on c.serial = r.serial"
                  + " where c.not_after > ? order by r.revoked_at, r.serial")) {
        select.setTimestamp(1, Timestamp.from(thisUpdate));
        try (ResultSet row = select.executeQuery()) {
          while (row.next()) {
            entries.add(
                new Object[] {
                  new BigInteger(row.getString(1), 16),
                  RevocationReason.fromToken(row.getString(2)),
                  row.getTimestamp(3)
                });
          }
        }
      }
      for (Object[] entry : entries) {
        builder.addCRLEntry(
            (BigInteger) entry[0], (Date) entry[2], ((RevocationReason) entry[1]).code());
      }
      builder
          .addExtension(
              Extension.authorityKeyIdentifier,
              false,
              extensions.createAuthorityKeyIdentifier(issuing))
          .addExtension(Extension.cRLNumber, false, new CRLNumber(BigInteger.valueOf(number)));
      X509CRLHolder holder = builder.build(new HsmContentSigner(hsm, ISSUING_KEY_ALIAS));
      LOG.debug("Health CA: CRL {} generated with {} entries", number, entries.size());
      return new CachedCrl(version, thisUpdate, holder.getEncoded());
    } catch (SQLException | IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate the CRL", e);
    }
  }

  private long revocationVersion() {
    try (Connection connection = dataSource.getConnection();
        PreparedStatement select =
            connection.prepareStatement("select version from hub.ca_revocation_state where id = 1");
        ResultSet row = select.executeQuery()) {
      return row.next() ? row.getLong(1) : 0L;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot read the revocation state", e);
    }
  }

  // ---------------------------------------------------------------- helpers

  private interface Work {
    void run(Connection connection) throws SQLException;
  }

  private void inTransaction(Work work) {
    try (Connection connection = dataSource.getConnection()) {
      boolean autoCommit = connection.getAutoCommit();
      connection.setAutoCommit(false);
      try {
        work.run(connection);
        connection.commit();
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(autoCommit);
      }
    } catch (SQLException e) {
      throw new IllegalStateException("Health CA database failure", e);
    }
  }

  private static void requireSm2(PublicKey key) {
    if (key == null) {
      throw new IllegalArgumentException("no public key");
    }
    SubjectPublicKeyInfo info;
    try {
      info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("unreadable public key", e);
    }
    Object parameters = info.getAlgorithm().getParameters();
    if (!(parameters instanceof ASN1ObjectIdentifier curve)
        || !curve.equals(GMObjectIdentifiers.sm2p256v1)) {
      throw new IllegalArgumentException("the card key is not an SM2 (sm2p256v1) key");
    }
  }

  private BigInteger newSerial() {
    BigInteger serial;
    do {
      serial = new BigInteger(128, random);
    } while (serial.signum() == 0);
    return serial;
  }

  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static X509Certificate parse(byte[] der) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509", Sm2.PROVIDER)
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("unreadable stored certificate", e);
    }
  }

  /** The opaque subject id (the CN) of a card certificate. */
  public static String subjectId(X509Certificate certificate) {
    X500Name name = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    return name.getRDNs(BCStyle.CN)[0].getFirst().getValue().toString();
  }

  /** {@link #issueCardCertificate(String, PublicKey, Duration)} for a card UUID. */
  public X509Certificate issueCardCertificate(UUID cardId, PublicKey cardPublicKey, Duration validity) {
    return issueCardCertificate(cardId.toString(), cardPublicKey, validity);
  }
}
