package cn.healthcard.hub.server;

import java.nio.file.Path;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/** The hub's own settings ({@code hub.*}); defaults are the embedded, single-machine setup. */
@ConfigurationProperties(prefix = "hub")
public record HubProperties(
    @DefaultValue("data") Path dataDir,
    @DefaultValue Fhir fhir,
    @DefaultValue Elasticsearch elasticsearch,
    @DefaultValue Mllp mllp,
    @DefaultValue Hl7v2 hl7v2,
    @DefaultValue Cards cards,
    @DefaultValue Records records,
    @DefaultValue Security security,
    @DefaultValue Tls tls) {

  /**
   * The hub's TLS server identity, and a port where clients may authenticate with a Health CA
   * client certificate instead of a token. The main port serves TLS when Spring Boot's
   * {@code server.ssl.*} is set; client certificates are then accepted there too.
   *
   * @param certificate PEM file with the hub's server certificate (then its chain)
   * @param privateKey PEM file with its private key (PKCS #8 or the key's own format)
   * @param httpsPort an HTTPS port besides {@code server.port}; -1 = none
   */
  public record Tls(String certificate, String privateKey, @DefaultValue("-1") int httpsPort) {
    public boolean configured() {
      return certificate != null && !certificate.isBlank() && privateKey != null && !privateKey.isBlank();
    }
  }

  /**
   * @param enabled authentication, authorization and audit; false only for development and
   *     benchmarks (a warning is logged at every start)
   * @param issuer an external OpenID provider whose access tokens the hub also accepts (its
   *     tokens carry the claims {@code roles}, {@code institution}, {@code division},
   *     {@code fhirUser}, {@code patient}); empty = only the hub's own authorization server
   * @param publicUrl the hub's base URL as clients reach it (issuer of its tokens, token URL in
   *     the bootstrap file and the SMART discovery); empty = taken from each request, and
   *     {@code http://localhost:<port>} in the bootstrap file
   * @param audience the {@code aud} every access token must carry: the hub's own tokens name it,
   *     an external provider must be configured to
   */
  public record Security(
      @DefaultValue("true") boolean enabled,
      String issuer,
      String publicUrl,
      @DefaultValue("healthcard-hub") String audience) {}

  /**
   * @param unmergeGracePeriod how long after a merge of two records it may still be undone
   *     ({@code Patient/$hapi.fhir.undo-merge}); later, a wrongly merged record is split by hand
   */
  public record Records(@DefaultValue("30d") java.time.Duration unmergeGracePeriod) {}

  /**
   * @param hsmPassphrase unlocks the software HSM's key store (its master keys are stored only
   *     wrapped under a key derived from it); set it in production, never commit it
   * @param signatureSkew how far a signed request's timestamp may be from the hub's clock
   * @param national the national card-management system registrations are sent to
   */
  public record Cards(
      @DefaultValue("change-me-dev-only") String hsmPassphrase,
      @DefaultValue("5m") java.time.Duration signatureSkew,
      @DefaultValue National national) {}

  /**
   * @param url base URL of the national card registry; empty = registrations wait in the outbox
   * @param provinceCode the province's 2-digit GB/T 2260 code
   * @param keyId the key id the national system knows the province's signing key by
   * @param nationalKeyId the key id the national system signs its answers with
   * @param publicKey the national system's SM2 public key (Base64 X.509) its answers are signed by
   * @param pollInterval how often the outbox is drained
   * @param tokenUrl the national side's token endpoint, where it requires the provinces' trust
   *     framework besides signatures (client credentials with an assertion signed by the hub's
   *     federation key); empty = signatures only
   * @param clientId the hub's client id there; empty = {@code keyId}
   * @param scope the scope asked for
   */
  public record National(
      String url,
      @DefaultValue("21") String provinceCode,
      @DefaultValue("province-21") String keyId,
      @DefaultValue("national") String nationalKeyId,
      String publicKey,
      @DefaultValue("2s") java.time.Duration pollInterval,
      String tokenUrl,
      String clientId,
      @DefaultValue("card-registrations") String scope) {}

  /**
   * @param enabled whether the MLLP listener runs
   * @param host address to listen on
   * @param port MLLP port
   * @param maxConnections concurrent MLLP connections accepted (one thread each)
   * @param maxMessageSize largest MLLP frame read; a larger one resets the connection
   * @param trustedNetworks address ranges plain MLLP is accepted from (with security on)
   * @param tls MLLP over TLS with client certificates
   */
  public record Mllp(
      @DefaultValue("true") boolean enabled,
      @DefaultValue("0.0.0.0") String host,
      @DefaultValue("2575") int port,
      @DefaultValue("64") int maxConnections,
      @DefaultValue("64MB") DataSize maxMessageSize,
      @DefaultValue({"127.0.0.0/8", "::1"}) java.util.List<String> trustedNetworks,
      @DefaultValue MllpTls tls) {}

  /**
   * MLLP over TLS: senders authenticate with a Health CA client certificate of a hospital client
   * (its institution is the only MSH-4 it may send for), from any network. Uses the server
   * identity of {@code hub.tls.*}.
   *
   * @param port listening port; -1 = none
   */
  public record MllpTls(@DefaultValue("-1") int port) {}

  /**
   * @param defaultCharset charset of a message whose MSH-18 is empty and whose sender has none
   *     configured
   * @param senderCharsets per sending facility (MSH-4.1): the charset its messages use when
   *     MSH-18 is empty (Chinese HIS often send GB 18030 without saying so)
   * @param workers concurrent consumers writing accepted messages to the repository; 0 (the
   *     default) means one per processor core, at least two
   * @param redeliveries attempts after the first before a message becomes a dead letter
   * @param stalledAfter a recorded message not yet stored is queued again after this long
   */
  public record Hl7v2(
      @DefaultValue("UTF-8") java.nio.charset.Charset defaultCharset,
      java.util.Map<String, java.nio.charset.Charset> senderCharsets,
      @DefaultValue("0") int workers,
      @DefaultValue("3") int redeliveries,
      @DefaultValue("10m") java.time.Duration stalledAfter) {

    /**
     * Storing is CPU-bound: on two cores, two workers stored as fast as four (38 vs 36 messages/s)
     * and left the intake enough CPU to acknowledge 448 instead of 269 messages/s.
     */
    @Override
    public int workers() {
      return workers > 0 ? workers : Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    public java.util.Map<String, java.nio.charset.Charset> senderCharsets() {
      return senderCharsets == null ? java.util.Map.of() : senderCharsets;
    }
  }

  /**
   * @param maxRequestSize largest request body the FHIR endpoint accepts
   * @param defaultPageSize search page size when the client does not say
   * @param maxPageSize largest page a client may ask for
   * @param retiredSearchParameters built-in search parameters the hub does not index, by canonical
   *     URL or by the part after {@code http://hl7.org/fhir/SearchParameter/}; empty = index all
   */
  public record Fhir(
      @DefaultValue("64MB") DataSize maxRequestSize,
      @DefaultValue("50") int defaultPageSize,
      @DefaultValue("500") int maxPageSize,
      java.util.List<String> retiredSearchParameters) {

    @Override
    public java.util.List<String> retiredSearchParameters() {
      return retiredSearchParameters == null ? java.util.List.of() : retiredSearchParameters;
    }
  }

  /**
   * @param enabled whether the hub uses Elasticsearch at all
   * @param url an external node or cluster; when empty the hub starts a local node
   * @param distribution the Elasticsearch zip the local node runs from; when empty, the zip
   *     shipped beside the jar, then the one in the local Maven repository
   * @param heap heap of the local node
   * @param port HTTP port of the local node
   * @param startTimeout how long to wait for the local node to answer
   */
  public record Elasticsearch(
      @DefaultValue("true") boolean enabled,
      String url,
      Path distribution,
      @DefaultValue("512m") String heap,
      @DefaultValue("9200") int port,
      @DefaultValue("120s") java.time.Duration startTimeout) {}
}
