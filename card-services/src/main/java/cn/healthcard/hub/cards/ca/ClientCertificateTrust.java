package cn.healthcard.hub.cards.ca;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The TLS trust decision for a port where clients authenticate with a Health CA certificate: the
 * handshake fails unless {@link ClientCertificates#verify} accepts the client's certificate.
 *
 * <p>Extended on purpose: JSSE wraps a plain {@code X509TrustManager} in checks of the chain's
 * signature algorithm against those TLS knows, and the Health CA signs with SM3withSM2, which TLS
 * does not name. The client's own key (EC or RSA) still signs the handshake.
 */
public final class ClientCertificateTrust extends X509ExtendedTrustManager {
  private final ClientCertificates certificates;

  public ClientCertificateTrust(ClientCertificates certificates) {
    this.certificates = certificates;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("no client certificate");
    }
    try {
      certificates.verify(chain[0]);
    } catch (ClientCertificates.Refused e) {
      throw new CertificateException(e.getMessage());
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkClientTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("this trust manager only judges clients");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[] {certificates.issuingCertificate()};
  }
}
