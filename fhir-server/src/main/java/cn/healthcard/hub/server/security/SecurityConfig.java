package cn.healthcard.hub.server.security;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.RestfulServer;
import cn.healthcard.hub.security.audit.AuditChain;
import cn.healthcard.hub.security.audit.AuditTrail;
import cn.healthcard.hub.security.audit.FhirAuditCapture;
import cn.healthcard.hub.security.clients.ClientRegistration;
import cn.healthcard.hub.security.clients.HubClients;
import cn.healthcard.hub.security.fhir.ClientAuthorization;
import cn.healthcard.hub.security.fhir.ClientConsent;
import cn.healthcard.hub.security.fhir.HubAuthorizationRules;
import cn.healthcard.hub.security.fhir.HubConsentService;
import cn.healthcard.hub.security.fhir.RecordChangeGuard;
import cn.healthcard.hub.security.oauth.AssertionJtiLog;
import cn.healthcard.hub.security.oauth.ClientAssertionDecoders;
import cn.healthcard.hub.security.oauth.HubRegisteredClients;
import cn.healthcard.hub.security.oauth.HubTokenClaims;
import cn.healthcard.hub.security.oauth.SigningKeys;
import cn.healthcard.hub.security.oauth.SmartClientAssertionConverter;
import cn.healthcard.hub.security.oauth.TokenToCaller;
import cn.healthcard.hub.server.HubProperties;
import cn.healthcard.hub.server.repository.HubSchema;
import cn.healthcard.hub.terminology.division.Divisions;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.text.ParseException;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtDecoders;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.JwtClientAssertionAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.config.annotation.web.configurers.OAuth2AuthorizationServerConfigurer;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.security.oauth2.server.authorization.token.JwtEncodingContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenCustomizer;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Secure by default: the hub is its own OAuth 2.0 authorization server (client credentials,
 * {@code client_secret_basic} or SMART's {@code private_key_jwt}) and the resource server of its
 * tokens (and of an external OpenID provider's, {@code hub.security.issuer}). Coarse rules per
 * path here; what each role may do on the FHIR endpoint is HAPI's authorization and consent
 * interceptors ({@link HubAuthorizationRules}, {@link HubConsentService}).
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSecurity
public class SecurityConfig {
  private static final Logger log = LoggerFactory.getLogger(SecurityConfig.class);

  @Bean
  public HubClients hubClients(DataSource dataSource, HubSchema schema) {
    return new HubClients(new JdbcTemplate(dataSource), Clock.systemUTC());
  }

  @Bean
  public PasswordEncoder passwordEncoder() {
    return PasswordEncoderFactories.createDelegatingPasswordEncoder();
  }

  @Bean
  public ClientRegistration clientRegistration(PasswordEncoder encoder) {
    return new ClientRegistration(encoder, Divisions.standard());
  }

  @Bean
  public org.springframework.boot.web.servlet.FilterRegistrationBean<SmartConfigurationEndpoint> smartConfiguration(
      HubProperties hub) {
    var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(new SmartConfigurationEndpoint(hub));
    registration.addUrlPatterns("/fhir/.well-known/smart-configuration", "/.well-known/smart-configuration");
    registration.setOrder(-20);
    return registration;
  }

  /** With security on: the authorization server, the resource server, the FHIR rules. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "hub.security", name = "enabled", havingValue = "true", matchIfMissing = true)
  static class Enabled {

    @Bean
    public BootstrapAdmin bootstrapAdmin(HubClients clients, ClientRegistration registration, HubProperties hub) {
      return new BootstrapAdmin(clients, registration, hub);
    }

    @Bean
    public AssertionJtiLog assertionJtiLog(DataSource dataSource, HubSchema schema) {
      return new AssertionJtiLog(new JdbcTemplate(dataSource), Clock.systemUTC());
    }

    @Bean
    public SigningKeys signingKeys(DataSource dataSource, HubSchema schema) {
      return SigningKeys.loadOrCreate(new JdbcTemplate(dataSource));
    }

    @Bean
    public JWKSource<SecurityContext> jwkSource(SigningKeys keys) {
      return keys.signing();
    }

    @Bean
    public RegisteredClientRepository registeredClientRepository(HubClients clients) {
      return new HubRegisteredClients(clients);
    }

    /**
     * Access tokens are self-contained JWTs; the server keeps no copy of them (Spring's default
     * would hold every token issued in memory, for ever).
     */
    @Bean
    public OAuth2AuthorizationService authorizationService() {
      return new OAuth2AuthorizationService() {
        @Override
        public void save(OAuth2Authorization authorization) {}

        @Override
        public void remove(OAuth2Authorization authorization) {}

        @Override
        public OAuth2Authorization findById(String id) {
          return null;
        }

        @Override
        public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
          return null;
        }
      };
    }

    @Bean
    public OAuth2TokenCustomizer<JwtEncodingContext> hubTokenClaims(HubClients clients, HubProperties hub) {
      return new HubTokenClaims(clients, hub.security().audience());
    }

    @Bean
    public AuthorizationServerSettings authorizationServerSettings(HubProperties hub) {
      AuthorizationServerSettings.Builder settings = AuthorizationServerSettings.builder();
      String publicUrl = hub.security().publicUrl();
      if (publicUrl != null && !publicUrl.isBlank()) {
        settings.issuer(publicUrl.replaceAll("/+$", ""));
      }
      return settings.build();
    }

    @Bean
    @Order(1)
    public SecurityFilterChain authorizationServerChain(
        HttpSecurity http, HubClients clients, AssertionJtiLog jtis) throws Exception {
      ClientAssertionDecoders decoders = new ClientAssertionDecoders(clients, jtis, Clock.systemUTC());
      OAuth2AuthorizationServerConfigurer server = OAuth2AuthorizationServerConfigurer.authorizationServer();
      http.securityMatcher(server.getEndpointsMatcher())
          .with(server, as -> as.clientAuthentication(client -> client
              .authenticationConverters(converters -> converters.add(0, new SmartClientAssertionConverter()))
              .authenticationProviders(providers -> providers.forEach(provider -> {
                if (provider instanceof JwtClientAssertionAuthenticationProvider assertions) {
                  assertions.setJwtDecoderFactory(decoders);
                }
              }))))
          .authorizeHttpRequests(requests -> requests.anyRequest().authenticated())
          .csrf(AbstractHttpConfigurer::disable)
          .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
      return http.build();
    }

    @Bean
    @Order(2)
    public SecurityFilterChain apiChain(
        HttpSecurity http, HubClients clients, SigningKeys keys, HubProperties hub,
        cn.healthcard.hub.cards.ca.ClientCertificates certificates) throws Exception {
      TokenToCaller toCaller = new TokenToCaller(clients, hub.security().issuer());
      JwtDecoder decoder = new cn.healthcard.hub.security.oauth.VerifiedTokens(
          decoder(keys, hub.security().issuer(), hub.security().audience()), Clock.systemUTC(), 50_000);
      http.securityMatcher("/**")
          .authorizeHttpRequests(requests -> requests
              .requestMatchers(HttpMethod.GET, "/fhir/metadata").permitAll()
              .requestMatchers(HttpMethod.GET, "/fhir/.well-known/smart-configuration",
                  "/.well-known/smart-configuration").permitAll()
              .requestMatchers(HttpMethod.GET, "/actuator/health", "/actuator/health/**").permitAll()
              // certificates and the revocation list are public by nature; the police household
              // system authenticates each request with its SM2 signature
              .requestMatchers("/ca/**", "/household/**", "/error").permitAll()
              // the hub's public federation key, for peer hubs to register
              .requestMatchers(HttpMethod.GET, "/federation/jwks.json").permitAll()
              // payment channels authenticate each notification with their signature over the body
              .requestMatchers(HttpMethod.POST, "/payments/notify/**").permitAll()
              .requestMatchers("/sandbox/**").hasRole("hospital")
              // partner banks post their statements; operators too (a file handed over by hand)
              .requestMatchers("/bank/**").hasAnyRole("payment-channel", "operator")
              .requestMatchers("/admin/**", "/actuator/**").hasRole("operator")
              .requestMatchers("/hl7v2").hasRole("hospital")
              .requestMatchers("/key-injection/**").hasRole("card-issuer")
              .anyRequest().authenticated())
          // mutual TLS: a Health CA client certificate stands for its client when no token is sent
          .addFilterBefore(new cn.healthcard.hub.server.security.tls.ClientCertificateAuthentication(certificates, clients),
              org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter.class)
          .oauth2ResourceServer(resource -> resource.jwt(jwt -> jwt
              .decoder(decoder)
              .jwtAuthenticationConverter(toCaller)))
          .csrf(AbstractHttpConfigurer::disable)
          .requestCache(AbstractHttpConfigurer::disable)
          .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
      return http.build();
    }

    /**
     * The hub's own tokens by its key; an external provider's, when configured, by its published
     * keys and issuer. Both must be unexpired (60 s clock skew) and name the hub's audience.
     */
    private static JwtDecoder decoder(SigningKeys keys, String externalIssuer, String audience) {
      org.springframework.security.oauth2.core.OAuth2TokenValidator<org.springframework.security.oauth2.jwt.Jwt> forHub =
          new org.springframework.security.oauth2.jwt.JwtClaimValidator<java.util.List<String>>(
              org.springframework.security.oauth2.jwt.JwtClaimNames.AUD, aud -> aud != null && aud.contains(audience));
      DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
      processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
          Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384), keys.verifying()));
      processor.setJWTClaimsSetVerifier((claims, context) -> {});
      NimbusJwtDecoder own = new NimbusJwtDecoder(processor);
      own.setJwtValidator(new DelegatingOAuth2TokenValidator<>(new JwtTimestampValidator(), forHub));
      if (externalIssuer == null || externalIssuer.isBlank()) {
        return own;
      }
      AtomicReference<JwtDecoder> external = new AtomicReference<>();
      return token -> {
        String issuer;
        try {
          issuer = JWTParser.parse(token).getJWTClaimsSet().getIssuer();
        } catch (ParseException e) {
          throw new org.springframework.security.oauth2.jwt.BadJwtException("not a JWT", e);
        }
        if (!externalIssuer.equals(issuer)) {
          return own.decode(token);
        }
        JwtDecoder decoder = external.updateAndGet(d -> {
          if (d != null) {
            return d;
          }
          NimbusJwtDecoder provider = JwtDecoders.fromIssuerLocation(externalIssuer);
          provider.setJwtValidator(new DelegatingOAuth2TokenValidator<>(
              org.springframework.security.oauth2.jwt.JwtValidators.createDefaultWithIssuer(externalIssuer), forHub));
          return provider;
        });
        try {
          return decoder.decode(token);
        } catch (JwtException e) {
          throw e;
        }
      };
    }

    @Bean
    public AuditTrail auditTrail(DataSource dataSource, HubSchema schema) {
      return new AuditTrail(new JdbcTemplate(dataSource));
    }

    @Bean
    public HisAuditEntries hisAuditEntries(AuditTrail trail) {
      return new HisAuditEntries(trail, Clock.systemUTC());
    }

    @Bean
    public AuditChainWriter auditChainWriter(
        DaoRegistry daos, DataSource dataSource, PlatformTransactionManager transactionManager) {
      return new AuditChainWriter(daos, new JdbcTemplate(dataSource), new TransactionTemplate(transactionManager),
          new AuditChain(daos.getFhirContext()));
    }

    @Bean
    public org.springframework.boot.web.servlet.FilterRegistrationBean<AuditFilter> auditFilter(AuditTrail trail) {
      var registration = new org.springframework.boot.web.servlet.FilterRegistrationBean<>(
          new AuditFilter(trail, Clock.systemUTC()));
      registration.addUrlPatterns("/*");
      // outside Spring Security (-100): refusals are audited too
      registration.setOrder(-110);
      return registration;
    }

    @Bean
    @org.springframework.core.annotation.Order(org.springframework.core.Ordered.LOWEST_PRECEDENCE)
    public org.springframework.context.ApplicationListener<org.springframework.context.event.ContextRefreshedEvent>
        auditPatientSearchInstaller(DaoRegistry daos, ca.uhn.fhir.rest.server.util.ISearchParamRegistry registry) {
      return event -> AuditPatientSearch.install(daos, registry);
    }

    /** One instance: the operations that change restrictions forget what the consent check remembers. */
    @Bean
    public JdbcRestrictions jdbcRestrictions(DataSource dataSource) {
      return new JdbcRestrictions(new JdbcTemplate(dataSource));
    }

    @Bean
    public org.springframework.beans.factory.SmartInitializingSingleton auditOperationProvider(
        RestfulServer server, DaoRegistry daos, DataSource dataSource, JdbcRestrictions restrictions) {
      return () -> {
        server.registerProvider(
            new AuditOperations(daos, new JdbcTemplate(dataSource), new AuditChain(daos.getFhirContext())));
        server.registerProvider(new RestrictionOperations(restrictions));
      };
    }

    /** The consent rules, shared by the FHIR endpoint and the operations that answer about people (PIXm). */
    @Bean
    public HubConsentService hubConsentService(RestfulServer server, DaoRegistry daos, DataSource dataSource,
        JdbcRestrictions restrictions) {
      return new HubConsentService(server.getFhirContext(), new JdbcCareRelationships(new JdbcTemplate(dataSource)),
          new RepositoryPatientFacts(daos), restrictions, Clock.systemUTC());
    }

    @Bean
    public Object fhirSecurityInterceptors(RestfulServer server, DaoRegistry daos, DataSource dataSource,
        HubProperties hub, AuditTrail trail, JdbcRestrictions restrictions, HubConsentService consent) {
      JdbcTemplate jdbc = new JdbcTemplate(dataSource);
      JdbcCareRelationships care = new JdbcCareRelationships(jdbc);
      server.registerInterceptor(new AuditPatientSearch());
      server.registerInterceptor(new FhirAuditCapture(server.getFhirContext(), trail, Clock.systemUTC()));
      server.registerInterceptor(new ClientAuthorization(new HubAuthorizationRules()));
      server.registerInterceptor(new ClientConsent(consent));
      server.registerInterceptor(new AuthoringInstitutionStamp());
      server.registerInterceptor(new RecordChangeGuard(server.getFhirContext(), care, consent, Clock.systemUTC()));
      server.registerInterceptor(new CareRelationshipRecorder(server.getFhirContext(), care, Clock.systemUTC()));
      server.registerInterceptor(new SmartCapabilityStatement(hub.security().publicUrl()));
      return new Object();
    }
  }

  /** Development and benchmarks only: every endpoint open. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "hub.security", name = "enabled", havingValue = "false")
  static class Disabled {
    @Bean
    public SecurityFilterChain openChain(HttpSecurity http) throws Exception {
      log.warn("SECURITY IS OFF (hub.security.enabled=false): every endpoint answers anyone, nothing"
          + " is audited. For development and benchmarks only; never with real data.");
      http.authorizeHttpRequests(requests -> requests.anyRequest().permitAll())
          .csrf(AbstractHttpConfigurer::disable)
          .sessionManagement(s -> s.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
      return http.build();
    }
  }
}
