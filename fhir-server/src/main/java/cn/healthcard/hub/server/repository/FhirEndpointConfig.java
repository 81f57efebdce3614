package cn.healthcard.hub.server.repository;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.provider.IJpaSystemProvider;
import ca.uhn.fhir.jpa.provider.JpaCapabilityStatementProvider;
import ca.uhn.fhir.jpa.provider.ValueSetOperationProvider;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.narrative2.NullNarrativeGenerator;
import ca.uhn.fhir.rest.api.EncodingEnum;
import ca.uhn.fhir.rest.server.RestfulServer;
import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import ca.uhn.fhir.rest.server.provider.ResourceProviderFactory;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The FHIR R4 REST endpoint at {@code /fhir}. */
@Configuration(proxyBeanMethods = false)
public class FhirEndpointConfig {

  @Bean
  public RestfulServer fhirRestfulServer(
      IFhirSystemDao<?, ?> systemDao,
      IJpaSystemProvider systemProvider,
      ResourceProviderFactory resourceProviders,
      JpaStorageSettings storageSettings,
      ISearchParamRegistry searchParamRegistry,
      IValidationSupport validationSupport,
      DatabaseBackedPagingProvider pagingProvider,
      IInterceptorService interceptorService,
      ValueSetOperationProvider valueSetOperations) {
    RestfulServer server = new RestfulServer(systemDao.getContext(), interceptorService);
    systemDao.getContext().setNarrativeGenerator(new NullNarrativeGenerator());
    // incoming resources carry references as strings, never as in-memory targets to contain;
    // skipping that scan saves a full tree walk per resource on every encode
    systemDao.getContext().getParserOptions().setAutoContainReferenceTargetsWithNoId(false);
    server.registerProviders(resourceProviders.createProviders());
    server.registerProvider(systemProvider);
    // ValueSet/$expand, ValueSet/$validate-code and CodeSystem/$validate-code live here, not in
    // the generated resource providers ($lookup, $subsumes and $translate do)
    server.registerProvider(valueSetOperations);
    JpaCapabilityStatementProvider capabilities =
        new JpaCapabilityStatementProvider(
            server, systemDao, storageSettings, searchParamRegistry, validationSupport);
    capabilities.setImplementationDescription("Provincial health-information exchange hub");
    server.setServerConformanceProvider(capabilities);
    server.setPagingProvider(pagingProvider);
    server.setDefaultResponseEncoding(EncodingEnum.JSON);
    server.registerInterceptor(new ResponseHighlighterInterceptor());
    return server;
  }

  @Bean
  public ServletRegistrationBean<RestfulServer> fhirServlet(RestfulServer server) {
    ServletRegistrationBean<RestfulServer> registration =
        new ServletRegistrationBean<>(server, "/fhir/*");
    registration.setName("fhir");
    registration.setLoadOnStartup(1);
    return registration;
  }
}
