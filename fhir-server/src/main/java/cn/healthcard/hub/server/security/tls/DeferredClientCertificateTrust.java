package cn.healthcard.hub.server.security.tls;

import java.net.Socket;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Tomcat's trust manager on the hub's HTTPS ports: any client certificate passes the handshake
 * (which still proves the client holds its key), and {@link ClientCertificateAuthentication}
 * decides on every request whether the certificate is one the Health CA issued and has not
 * revoked. The decision cannot be made here: Tomcat creates this class by its name, without the
 * hub's CA, and a connection outlives a revocation.
 *
 * <p>Extended on purpose: JSSE would otherwise check the chain's signature algorithm against
 * those TLS names, and the Health CA signs with SM3withSM2.
 */
public final class DeferredClientCertificateTrust extends X509ExtendedTrustManager {

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {}

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws java.security.cert.CertificateException {
    throw new java.security.cert.CertificateException("this trust manager only judges clients");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws java.security.cert.CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws java.security.cert.CertificateException {
    checkServerTrusted(chain, authType);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
