package cn.healthcard.hub.server.security.tls;

import cn.healthcard.hub.cards.ca.ClientCertificateTrust;
import cn.healthcard.hub.cards.ca.ClientCertificates;
import cn.healthcard.hub.routes.his.HisRoutes;
import cn.healthcard.hub.server.HubProperties;
import java.security.KeyStore;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.web.embedded.tomcat.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * TLS on the hub's ports. HTTPS on {@code hub.tls.https-port} (besides {@code server.port}) and on
 * the main port when {@code server.ssl.*} is set: both ask for a client certificate and accept a
 * request without one (tokens still work); {@link ClientCertificateAuthentication} judges the
 * certificate. MLLP over TLS on {@code hub.mllp.tls.port} demands a client certificate at the
 * handshake ({@link ClientCertificateTrust}).
 */
@Configuration(proxyBeanMethods = false)
public class TlsConfig {

  @Bean
  public WebServerFactoryCustomizer<TomcatServletWebServerFactory> hubTlsConnectors(HubProperties hub) {
    return factory -> {
      // runs after Boot has set up server.ssl.* on the main connector
      factory.addConnectorCustomizers(connector -> {
        for (SSLHostConfig config : connector.findSslHostConfigs()) {
          askForClientCertificates(config);
        }
      });
      HubProperties.Tls tls = hub.tls();
      if (tls.httpsPort() >= 0) {
        factory.addAdditionalTomcatConnectors(httpsConnector(tls));
      }
    };
  }

  private static Connector httpsConnector(HubProperties.Tls tls) {
    KeyStore identity = identity(tls, "hub.tls.https-port");
    Connector connector = new Connector(TomcatServletWebServerFactory.DEFAULT_PROTOCOL);
    connector.setPort(tls.httpsPort());
    connector.setScheme("https");
    connector.setSecure(true);
    AbstractHttp11Protocol<?> protocol = (AbstractHttp11Protocol<?>) connector.getProtocolHandler();
    protocol.setSSLEnabled(true);
    SSLHostConfig config = new SSLHostConfig();
    SSLHostConfigCertificate certificate =
        new SSLHostConfigCertificate(config, SSLHostConfigCertificate.Type.UNDEFINED);
    certificate.setCertificateKeystore(identity);
    certificate.setCertificateKeyAlias(PemKeyMaterial.ALIAS);
    certificate.setCertificateKeyPassword(new String(PemKeyMaterial.PASSWORD));
    config.addCertificate(certificate);
    askForClientCertificates(config);
    protocol.addSslHostConfig(config);
    return connector;
  }

  private static void askForClientCertificates(SSLHostConfig config) {
    config.setCertificateVerification("optional");
    config.setTrustManagerClassName(DeferredClientCertificateTrust.class.getName());
  }

  private static KeyStore identity(HubProperties.Tls tls, String wantedBy) {
    if (!tls.configured()) {
      throw new IllegalStateException(wantedBy + " needs hub.tls.certificate and hub.tls.private-key (PEM files)");
    }
    return PemKeyMaterial.load(tls.certificate(), tls.privateKey());
  }

  /** The MLLP-over-TLS listener's settings, when it is on. */
  @Bean(name = HisRoutes.MLLP_TLS_CONTEXT)
  @ConditionalOnExpression("${hub.mllp.tls.port:-1} >= 0")
  public SSLContextParameters hubMllpTls(HubProperties hub, ClientCertificates certificates) {
    KeyStoreParameters store = new KeyStoreParameters();
    store.setKeyStore(identity(hub.tls(), "hub.mllp.tls.port"));
    KeyManagersParameters keys = new KeyManagersParameters();
    keys.setKeyStore(store);
    keys.setKeyPassword(new String(PemKeyMaterial.PASSWORD));
    TrustManagersParameters trust = new TrustManagersParameters();
    trust.setTrustManager(new ClientCertificateTrust(certificates));
    SSLContextServerParameters server = new SSLContextServerParameters();
    server.setClientAuthentication("REQUIRE");
    SSLContextParameters parameters = new SSLContextParameters();
    parameters.setKeyManagers(keys);
    parameters.setTrustManagers(trust);
    parameters.setServerParameters(server);
    return parameters;
  }
}
