package cn.healthcard.hub.cards.ca;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.cards.TestDatabase;
import cn.healthcard.hub.cards.hsm.SoftwareHsm;
import cn.healthcard.hub.cards.hsm.TestHsms;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertStore;
import java.security.cert.CertificateFactory;
import java.security.cert.CollectionCertStoreParameters;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509CRL;
import java.security.cert.X509CRLEntry;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.Extension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthCaTest {
  private static final Duration FIVE_YEARS = Duration.ofDays(5 * 365);

  private final DataSource db = TestDatabase.dataSource();
  private SoftwareHsm hsm;
  private HealthCa ca;

  @BeforeEach
  void freshCa() {
    TestDatabase.truncateAll();
    hsm = TestHsms.open(db);
    ca = new HealthCa(db, hsm);
  }

  private X509Certificate issue(UUID subject) {
    return ca.issueCardCertificate(subject.toString(), Sm2.generateKeyPair().getPublic(), FIVE_YEARS);
  }

  private static BigInteger crlNumber(X509CRL crl) {
    byte[] extension = crl.getExtensionValue(Extension.cRLNumber.getId());
    return ASN1Integer.getInstance(ASN1OctetString.getInstance(extension).getOctets()).getValue();
  }

  @Test
  void theChainVerifiesRootSelfSignedIssuingByRootCardByIssuing() throws Exception {
    X509Certificate root = ca.rootCertificate();
    X509Certificate issuing = ca.issuingCertificate();
    X509Certificate card = issue(UUID.randomUUID());

    root.verify(root.getPublicKey(), Sm2.PROVIDER);
    issuing.verify(root.getPublicKey(), Sm2.PROVIDER);
    card.verify(issuing.getPublicKey(), Sm2.PROVIDER);
    assertThat(root.getSigAlgOID()).isEqualTo("1.2.156.10197.1.501");
    assertThat(card.getSigAlgOID()).isEqualTo("1.2.156.10197.1.501");
    assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    assertThat(issuing.getBasicConstraints()).isZero();
    assertThat(card.getBasicConstraints()).isEqualTo(-1);
    assertThat(card.getIssuerX500Principal()).isEqualTo(issuing.getSubjectX500Principal());
    // PKIX path validation by BouncyCastle, with the CRL
    validate(card);
  }

  private void validate(X509Certificate card) throws Exception {
    CertificateFactory factory = CertificateFactory.getInstance("X.509", Sm2.PROVIDER);
    PKIXParameters parameters = new PKIXParameters(Set.of(new TrustAnchor(ca.rootCertificate(), null)));
    parameters.setRevocationEnabled(true);
    // the root's own CRL is not published here: the issuing CA is checked by its signature only
    parameters.addCertStore(
        CertStore.getInstance(
            "Collection",
            new CollectionCertStoreParameters(List.of(ca.crl(), emptyRootCrl())),
            Sm2.PROVIDER));
    CertPathValidator.getInstance("PKIX", Sm2.PROVIDER)
        .validate(factory.generateCertPath(List.of(card, ca.issuingCertificate())), parameters);
  }

  /** A CRL of the root, empty, so that PKIX can check the issuing CA's status too. */
  private X509CRL emptyRootCrl() throws Exception {
    var builder =
        new org.bouncycastle.cert.X509v2CRLBuilder(
            org.bouncycastle.asn1.x500.X500Name.getInstance(
                ca.rootCertificate().getSubjectX500Principal().getEncoded()),
            new java.util.Date());
    builder.setNextUpdate(java.util.Date.from(Instant.now().plus(Duration.ofDays(1))));
    builder.addExtension(
        Extension.authorityKeyIdentifier,
        false,
        new org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils()
            .createAuthorityKeyIdentifier(ca.rootCertificate()));
    var holder = builder.build(new HsmContentSigner(hsm, HealthCa.ROOT_KEY_ALIAS));
    return new org.bouncycastle.cert.jcajce.JcaX509CRLConverter().setProvider(Sm2.PROVIDER).getCRL(holder);
  }

  @Test
  void rootLastsAboutTwentyYearsAndTheIssuingCaAboutTen() {
    Instant now = Instant.now();
    assertThat(ca.rootCertificate().getNotAfter().toInstant())
        .isBetween(now.plus(Duration.ofDays(7290)), now.plus(Duration.ofDays(7320)));
    assertThat(ca.issuingCertificate().getNotAfter().toInstant())
        .isBetween(now.plus(Duration.ofDays(3640)), now.plus(Duration.ofDays(3660)));
  }

  @Test
  void aCardCertificateNamesOnlyTheOpaqueSubjectId() throws Exception {
    UUID cardId = UUID.randomUUID();
    X509Certificate card = issue(cardId);

    assertThat(card.getSubjectX500Principal().getName())
        .isEqualTo("CN=" + cardId + ",O=Liaoning Resident Health Card,C=CN");
    assertThat(HealthCa.subjectId(card)).isEqualTo(cardId.toString());
    assertThat(card.getSubjectAlternativeNames()).isNull();
    assertThat(card.getKeyUsage()[0]).as("digitalSignature").isTrue();
  }

  @Test
  void aSubjectThatIsNotAUuidIsRefusedSoNoCardNumberOrNameEndsUpInACertificate() {
    var key = Sm2.generateKeyPair().getPublic();
    assertThatThrownBy(() -> ca.issueCardCertificate("21010219900307123X", key, FIVE_YEARS))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ca.issueCardCertificate("张三", key, FIVE_YEARS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aKeyThatIsNotSm2IsRefused() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC", Sm2.PROVIDER);
    generator.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair nist = generator.generateKeyPair();
    assertThatThrownBy(
            () -> ca.issueCardCertificate(UUID.randomUUID().toString(), nist.getPublic(), FIVE_YEARS))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void serialNumbersAreRandomPositiveAndAtMost128Bits() {
    Set<BigInteger> serials = new HashSet<>();
    for (int i = 0; i < 20; i++) {
      BigInteger serial = issue(UUID.randomUUID()).getSerialNumber();
      assertThat(serial.signum()).isPositive();
      assertThat(serial.bitLength()).isLessThanOrEqualTo(128);
      serials.add(serial);
    }
    assertThat(serials).hasSize(20);
    assertThat(serials.stream().mapToInt(BigInteger::bitLength).max().orElse(0)).isGreaterThan(100);
  }

  @Test
  void aCardCertificateDoesNotOutliveTheIssuingCa() {
    X509Certificate card =
        ca.issueCardCertificate(
            UUID.randomUUID().toString(), Sm2.generateKeyPair().getPublic(), Duration.ofDays(30 * 365));
    assertThat(card.getNotAfter()).isEqualTo(ca.issuingCertificate().getNotAfter());
  }

  @Test
  void aRestartReusesTheStoredCaCertificates() throws Exception {
    X509Certificate card = issue(UUID.randomUUID());

    HealthCa restarted = new HealthCa(db, TestHsms.open(db));

    assertThat(restarted.rootCertificate()).isEqualTo(ca.rootCertificate());
    assertThat(restarted.issuingCertificate()).isEqualTo(ca.issuingCertificate());
    card.verify(restarted.issuingCertificate().getPublicKey(), Sm2.PROVIDER);
    assertThat(restarted.issuedCertificate(card.getSerialNumber())).contains(card);
  }

  @Test
  void aStoredCaThatDoesNotMatchTheHsmsKeysFailsAtStartup() {
    // another HSM (other keys) against the same certificate tables
    SoftwareHsm otherHsm = TestHsms.inMemory();
    assertThatThrownBy(() -> new HealthCa(db, otherHsm))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not match");
  }

  @Test
  void aRevokedCertificateAppearsInTheCrlWithItsReasonAndFailsPathValidation() throws Exception {
    X509Certificate revoked = issue(UUID.randomUUID());
    X509Certificate good = issue(UUID.randomUUID());
    X509CRL before = ca.crl();
    assertThat(before.getRevokedCertificates()).isNull();

    ca.revoke(revoked.getSerialNumber(), RevocationReason.KEY_COMPROMISE);

    X509CRL crl = ca.crl();
    crl.verify(ca.issuingCertificate().getPublicKey(), Sm2.PROVIDER);
    assertThat(crl.getIssuerX500Principal()).isEqualTo(ca.issuingCertificate().getSubjectX500Principal());
    assertThat(crl.isRevoked(revoked)).isTrue();
    assertThat(crl.isRevoked(good)).isFalse();
    X509CRLEntry entry = crl.getRevokedCertificate(revoked.getSerialNumber());
    assertThat(entry.getRevocationReason()).isEqualTo(java.security.cert.CRLReason.KEY_COMPROMISE);
    assertThat(crlNumber(crl)).isGreaterThan(crlNumber(before));
    assertThat(crl.getNextUpdate().toInstant())
        .isBetween(crl.getThisUpdate().toInstant().plus(Duration.ofHours(23)), crl.getThisUpdate().toInstant().plus(Duration.ofHours(25)));
    assertThat(ca.status(revoked.getSerialNumber()).orElseThrow().revocation())
        .isEqualTo(RevocationReason.KEY_COMPROMISE);
    assertThat(ca.status(good.getSerialNumber()).orElseThrow().goodAt(Instant.now())).isTrue();

    validate(good);
    assertThatThrownBy(() -> validate(revoked)).isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void revokingTwiceChangesNothingAndTheCachedCrlIsServedUntilSomethingChanges() {
    X509Certificate card = issue(UUID.randomUUID());
    ca.revoke(card.getSerialNumber(), RevocationReason.SUPERSEDED);
    byte[] crl = ca.crlDer();

    ca.revoke(card.getSerialNumber(), RevocationReason.SUPERSEDED);
    // a permanent revocation does not turn into a hold, nor into another ordinary reason
    ca.revoke(card.getSerialNumber(), RevocationReason.CERTIFICATE_HOLD);
    ca.revoke(card.getSerialNumber(), RevocationReason.CESSATION_OF_OPERATION);

    assertThat(ca.crlDer()).isEqualTo(crl);
    assertThat(ca.crl().getRevokedCertificates()).hasSize(1);
    assertThat(ca.status(card.getSerialNumber()).orElseThrow().revocation())
        .isEqualTo(RevocationReason.SUPERSEDED);
    // but a key compromise is always recorded
    ca.revoke(card.getSerialNumber(), RevocationReason.KEY_COMPROMISE);
    assertThat(ca.crl().getRevokedCertificate(card.getSerialNumber()).getRevocationReason())
        .isEqualTo(java.security.cert.CRLReason.KEY_COMPROMISE);
  }

  @Test
  void aHoldAppearsInTheCrlAndDisappearsWhenReleased() {
    X509Certificate card = issue(UUID.randomUUID());

    ca.revoke(card.getSerialNumber(), RevocationReason.CERTIFICATE_HOLD);
    X509CRL held = ca.crl();
    assertThat(held.getRevokedCertificate(card.getSerialNumber()).getRevocationReason())
        .isEqualTo(java.security.cert.CRLReason.CERTIFICATE_HOLD);

    ca.releaseHold(card.getSerialNumber());
    X509CRL released = ca.crl();
    assertThat(released.isRevoked(card)).isFalse();
    assertThat(crlNumber(released)).isGreaterThan(crlNumber(held));
    assertThat(ca.status(card.getSerialNumber()).orElseThrow().revoked()).isFalse();
    // releasing again is harmless
    ca.releaseHold(card.getSerialNumber());
  }

  @Test
  void aHoldCanBecomePermanentButAPermanentRevocationCannotBeReleased() {
    X509Certificate card = issue(UUID.randomUUID());
    ca.revoke(card.getSerialNumber(), RevocationReason.CERTIFICATE_HOLD);
    Instant heldAt = ca.status(card.getSerialNumber()).orElseThrow().revokedAt();

    ca.revoke(card.getSerialNumber(), RevocationReason.CESSATION_OF_OPERATION);

    CertificateStatus status = ca.status(card.getSerialNumber()).orElseThrow();
    assertThat(status.revocation()).isEqualTo(RevocationReason.CESSATION_OF_OPERATION);
    assertThat(status.revokedAt()).isEqualTo(heldAt);
    assertThatThrownBy(() -> ca.releaseHold(card.getSerialNumber()))
        .isInstanceOf(IllegalStateException.class);
    assertThat(ca.crl().isRevoked(card)).isTrue();
  }

  @Test
  void revokingASerialTheCaNeverIssuedIsRefused() {
    assertThatThrownBy(() -> ca.revoke(BigInteger.TEN, RevocationReason.KEY_COMPROMISE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ca.releaseHold(BigInteger.TEN)).isInstanceOf(IllegalArgumentException.class);
    assertThat(ca.status(BigInteger.TEN)).isEmpty();
  }

  @Test
  void aRevocationByAnotherInstanceReachesThisInstancesCrl() {
    X509Certificate card = issue(UUID.randomUUID());
    assertThat(ca.crl().isRevoked(card)).isFalse();

    HealthCa other = new HealthCa(db, TestHsms.open(db));
    other.revoke(card.getSerialNumber(), RevocationReason.KEY_COMPROMISE);

    assertThat(ca.crl().isRevoked(card)).isTrue();
  }

  @Test
  void anAgedCrlIsRegeneratedWithAHigherNumber() {
    Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    MutableClock clock = new MutableClock(start);
    HealthCa timed = new HealthCa(db, hsm, HealthCa.Settings.defaults(), clock);
    X509CRL first = timed.crl();
    assertThat(timed.crl().getThisUpdate()).isEqualTo(first.getThisUpdate());

    clock.now = start.plus(Duration.ofMinutes(61));
    X509CRL second = timed.crl();

    assertThat(second.getThisUpdate().toInstant()).isEqualTo(clock.now);
    assertThat(crlNumber(second)).isGreaterThan(crlNumber(first));
  }

  @Test
  void theCrlDistributionPointIsWrittenWhenConfigured() {
    HealthCa withUrl =
        new HealthCa(
            db,
            hsm,
            HealthCa.Settings.defaults().withCrlDistributionPoint("http://hub.example/ca/crl"),
            Clock.systemUTC());
    X509Certificate card =
        withUrl.issueCardCertificate(UUID.randomUUID().toString(), Sm2.generateKeyPair().getPublic(), FIVE_YEARS);
    assertThat(card.getExtensionValue(Extension.cRLDistributionPoints.getId())).isNotNull();
    assertThat(issue(UUID.randomUUID()).getExtensionValue(Extension.cRLDistributionPoints.getId())).isNull();
  }

  private static final class MutableClock extends Clock {
    volatile Instant now;

    MutableClock(Instant now) {
      this.now = now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
