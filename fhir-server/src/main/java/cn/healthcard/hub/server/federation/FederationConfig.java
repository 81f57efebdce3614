package cn.healthcard.hub.server.federation;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import cn.healthcard.hub.federation.fhir.PixmOperation;
import cn.healthcard.hub.federation.index.ElasticsearchPersonIndex;
import cn.healthcard.hub.federation.index.PatientSource;
import cn.healthcard.hub.federation.index.PersonIndex;
import cn.healthcard.hub.federation.index.PersonIndexOutbox;
import cn.healthcard.hub.federation.index.PersonIndexRebuild;
import cn.healthcard.hub.federation.index.PersonIndexUpdater;
import cn.healthcard.hub.federation.index.PersonMatching;
import cn.healthcard.hub.federation.pdqm.PatientMatchOperation;
import cn.healthcard.hub.federation.pdqm.PdqmSearchTranslator;
import cn.healthcard.hub.federation.pixm.CrossReference;
import cn.healthcard.hub.routes.personindex.PersonIndexRoutes;
import cn.healthcard.hub.security.Caller;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.fhir.HubConsentService;
import cn.healthcard.hub.security.fhir.RequestCallers;
import cn.healthcard.hub.server.repository.HubSchema;
import ca.uhn.fhir.context.FhirContext;
import cn.healthcard.hub.federation.peer.BackendTokens;
import cn.healthcard.hub.federation.peer.ClientAssertions;
import cn.healthcard.hub.federation.peer.FederatedRead;
import cn.healthcard.hub.federation.peer.PeerClient;
import cn.healthcard.hub.federation.peer.PeerHub;
import cn.healthcard.hub.server.HubProperties;
import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.camel.ProducerTemplate;
import org.elasticsearch.client.RestClient;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Finding a person: the IHE PIXm query on the repository's Patients; with Elasticsearch, the
 * person index (fed from every Patient write through its outbox and Artemis) and PDQm's
 * {@code $match} on it.
 */
@Configuration(proxyBeanMethods = false)
public class FederationConfig {

  /**
   * Who is told about a person: a hospital or clinician about the patients its institution treats
   * (the consent rules of every read), a peer hub and an operator about anyone (audited, and shown
   * in the person's access log). Without security, everyone.
   */
  @Bean
  public PixmOperation.Disclosure personDisclosure(ObjectProvider<HubConsentService> consents) {
    return (request, patientId) -> {
      HubConsentService consent = consents.getIfAvailable();
      Optional<Caller> caller = RequestCallers.of(request);
      if (consent == null || caller.isEmpty()) {
        return true;
      }
      Caller c = caller.get();
      return c.has(Role.PEER_HUB) || c.has(Role.OPERATOR) || consent.mayAccessPatient(c, patientId);
    };
  }

  @Bean
  public SmartInitializingSingleton pixmOperation(RestfulServer server, DaoRegistry daos,
      PixmOperation.Disclosure disclosure) {
    return () -> server.registerProvider(new PixmOperation(new CrossReference(new FhirPersonIdentifiers(daos)), disclosure));
  }

  /** PDQm's Patient search (ITI-78) is the repository's own, with its one extra parameter. */
  @Bean
  @org.springframework.core.annotation.Order(org.springframework.core.Ordered.LOWEST_PRECEDENCE)
  public org.springframework.context.ApplicationListener<org.springframework.context.event.ContextRefreshedEvent>
      pdqmSearchParameters(DaoRegistry daos, ca.uhn.fhir.rest.server.util.ISearchParamRegistry registry) {
    return event -> PdqmSearchParameters.install(daos, registry);
  }

  /** This hub's key towards its peers: the one configured, else one made at first start. */
  @Bean
  public ClientAssertions federationAssertions(FederationProperties federation, HubProperties hub) throws IOException {
    Path file = federation.key() != null ? federation.key() : hub.dataDir().resolve("federation").resolve("hub-key.jwk.json");
    return new ClientAssertions(FederationKey.load(file), Clock.systemUTC());
  }

  @Bean(destroyMethod = "shutdownNow")
  public ExecutorService federationPeers() {
    AtomicInteger threads = new AtomicInteger();
    return Executors.newFixedThreadPool(8, task -> {
      Thread thread = new Thread(task, "federation-peer-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
  }

  /** Tokens from peers' and the national system's token endpoints: the hub's one trust framework. */
  @Bean
  public BackendTokens backendTokens(ClientAssertions assertions, FederationProperties federation) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(federation.timeout()).version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).build();
    return new BackendTokens(http, assertions, Clock.systemUTC());
  }

  @Bean
  public FederatedRead federatedRead(FederationProperties federation, BackendTokens tokens,
      ExecutorService federationPeers, FhirContext fhir) {
    List<PeerHub> peers = new ArrayList<>();
    for (Map.Entry<String, FederationProperties.Peer> entry : new TreeMap<>(federation.peers()).entrySet()) {
      FederationProperties.Peer peer = entry.getValue();
      String code = entry.getKey();
      if (peer.url() == null || peer.url().isBlank()) {
        throw new IllegalStateException("hub.federation.peers." + code + ".url is required");
      }
      String clientId = peer.clientId() != null ? peer.clientId() : federation.clientId();
      if (clientId == null || clientId.isBlank()) {
        throw new IllegalStateException("hub.federation.client-id (or hub.federation.peers." + code
            + ".client-id) is required: the client id this hub is registered under at its peers");
      }
      String base = peer.url().replaceAll("/+$", "");
      String tokenUrl = peer.tokenUrl() != null ? peer.tokenUrl() : base.replaceAll("/fhir$", "") + "/oauth2/token";
      peers.add(new PeerHub(code, base, tokenUrl, clientId, peer.timeout() != null ? peer.timeout() : federation.timeout()));
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(federation.timeout()).version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER).build();
    return new FederatedRead(new PeerClient(http, tokens, fhir, Clock.systemUTC()), peers, federationPeers,
        Clock.systemUTC());
  }

  @Bean
  public SmartInitializingSingleton federatedReads(IInterceptorService interceptors, FederatedRead read,
      DaoRegistry daos, ObjectProvider<HubConsentService> consents) {
    return () -> interceptors.registerInterceptor(new FederatedReads(read, daos, consents));
  }

  @Bean
  public PatientSource patientSource(DaoRegistry daos, DataSource dataSource) {
    return new FhirPatientSource(daos, dataSource);
  }

  /** The person index and what feeds it; off with Elasticsearch. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(name = "hub.elasticsearch.enabled", havingValue = "true", matchIfMissing = true)
  static class PersonIndexConfig {

    @Bean
    public PersonIndex personIndex(RestClient elasticsearch, FederationProperties federation) {
      return new ElasticsearchPersonIndex(elasticsearch, federation.personIndex().name());
    }

    @Bean
    public PersonIndexOutbox personIndexOutbox(DataSource dataSource, HubSchema schema) {
      return new PersonIndexOutbox(dataSource);
    }

    @Bean
    public PatientWritesToPersonIndex patientWritesToPersonIndex(IInterceptorService interceptors,
        DataSource dataSource, HubSchema schema, ProducerTemplate producer) {
      PatientWritesToPersonIndex feed = new PatientWritesToPersonIndex(dataSource, producer);
      interceptors.registerInterceptor(feed);
      return feed;
    }

    @Bean
    public PersonIndexRebuild personIndexRebuild(PersonIndex index, PatientSource patients,
        FederationProperties federation) {
      return new PersonIndexRebuild(index, patients, federation.personIndex().clockMargin());
    }

    @Bean
    public PersonIndexUpdater personIndexUpdater(DataSource dataSource, HubSchema schema, PersonIndex index,
        PatientSource patients, PersonIndexRebuild rebuild, FederationProperties federation) {
      // an index made now lacks the Patients written before it existed
      return new PersonIndexUpdater(dataSource, index, patients, federation.personIndex().batch(), rebuild::start);
    }

    @Bean
    public PersonIndexRoutes personIndexRoutes(PersonIndexUpdater updater, FederationProperties federation) {
      return new PersonIndexRoutes(updater::drain, federation.personIndex().consumers(),
          federation.personIndex().sweep());
    }

    /** PDQm searches of peer hubs from the person index. */
    @Bean
    public SmartInitializingSingleton pdqmOnPersonIndex(IInterceptorService interceptors, PersonIndex index) {
      return () -> interceptors.registerInterceptor(new PdqmOnPersonIndex(index, new PdqmSearchTranslator(
          cn.healthcard.hub.terminology.identity.ResidentIdNumber.HEALTH_CARD_SYSTEM,
          cn.healthcard.hub.terminology.identity.ResidentIdNumber.ID_CARD_SYSTEM)));
    }

    @Bean
    public SmartInitializingSingleton patientMatchOperation(RestfulServer server, PersonIndex index,
        PatientSource patients, PixmOperation.Disclosure disclosure) {
      return () -> server.registerProvider(new PatientMatchOperation(new PersonMatching(index), patients, disclosure));
    }
  }
}
