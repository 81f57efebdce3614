package cn.healthcard.hub.payments.unionpay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real merchant's files, as UnionPay's merchant service gives them, read into settings. */
class UnionPaySettingsTest {

  @TempDir
  Path dir;

  @Test
  void theSigningPfxAndTheMiddleAndRootCertificatesAreRead() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    KeyPair keys = rsa.generateKeyPair();
    X500Name name = new X500Name("CN=041@Z777290058110097@merchant@00000001");
    X509Certificate certificate = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(name,
        new BigInteger("69026276738"), Date.from(Instant.now()), Date.from(Instant.now().plus(Duration.ofDays(1))), name,
        keys.getPublic()).build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    KeyStore pfx = KeyStore.getInstance("PKCS12");
    pfx.load(null, null);
    pfx.setKeyEntry("sign", keys.getPrivate(), "000000".toCharArray(), new X509Certificate[] {certificate});
    Path signing = dir.resolve("acp_sign.pfx");
    try (OutputStream out = Files.newOutputStream(signing)) {
      pfx.store(out, "000000".toCharArray());
    }
    Path middle = Files.write(dir.resolve("acp_prod_middle.cer"), certificate.getEncoded());
    Path root = Files.writeString(dir.resolve("acp_prod_root.cer"), AcpSignature.pem(certificate));

    UnionPaySettings settings = UnionPaySettings.fromFiles(UnionPaySettings.PRODUCTION_GATEWAY,
        UnionPaySettings.PRODUCTION_FILES, "777290058110097", signing, "000000", middle, root, "https://hub/notify");

    assertThat(settings.certId()).isEqualTo("69026276738");
    assertThat(settings.signingKey().getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    assertThat(settings.middle()).isEqualTo(certificate);
    assertThat(settings.root()).isEqualTo(certificate);
    assertThat(settings.owner()).isEqualTo("中国银联股份有限公司");
    assertThatThrownBy(() -> UnionPaySettings.fromFiles(UnionPaySettings.PRODUCTION_GATEWAY,
        UnionPaySettings.PRODUCTION_FILES, "777290058110097", signing, "wrong", middle, root, "https://hub/notify"))
        .hasMessage("hub.payments.unionpay: the signing PFX cannot be read (path or password)");
  }
}
