package cn.healthcard.hub.server.repository;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.IDaoRegistry;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.config.util.ResourceCountCacheUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirPostgresDialect;
import ca.uhn.fhir.jpa.model.entity.StorageSettings;
import ca.uhn.fhir.jpa.provider.DaoRegistryResourceSupportedSvc;
import ca.uhn.fhir.jpa.search.DatabaseBackedPagingProvider;
import ca.uhn.fhir.jpa.search.IStaleSearchDeletingSvc;
import ca.uhn.fhir.jpa.search.StaleSearchDeletingSvcImpl;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import ca.uhn.fhir.jpa.util.MemoryCacheService;
import ca.uhn.fhir.jpa.util.ResourceCountCache;
import ca.uhn.fhir.rest.api.IResourceSupportedSvc;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import cn.healthcard.hub.server.HubProperties;
import jakarta.persistence.EntityManagerFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.sql.DataSource;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.context.event.ContextRefreshedEvent;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * HAPI FHIR JPA (R4) on the hub's PostgreSQL. The storage settings here are the tuned ones; the
 * README lists which mattered and why.
 */
@Configuration(proxyBeanMethods = false)
@Import({
  JpaR4Config.class,
  ThreadPoolFactoryConfig.class,
  JpaBatch2Config.class,
  Batch2JobsConfig.class,
  SubscriptionChannelConfig.class
})
public class FhirRepositoryConfig {

  @Bean
  public JpaStorageSettings storageSettings(HubProperties hub) {
    JpaStorageSettings settings = new JpaStorageSettings();
    // a reference must point at something that exists; no silent placeholder Patients
    settings.setAutoCreatePlaceholderReferenceTargets(false);
    settings.setEnforceReferentialIntegrityOnWrite(true);
    settings.setEnforceReferentialIntegrityOnDelete(true);
    // ":missing" indexes double the index rows written for every resource; nobody asks for them
    settings.setIndexMissingFields(StorageSettings.IndexEnabledEnum.DISABLED);
    // conditional references (Patient?identifier=...) in transactions resolve from a cache once
    // seen; HAPI never invalidates it, MatchUrlCacheGuard does when an identifier leaves a resource
    settings.setMatchUrlCacheEnabled(true);
    // a search result must reflect writes made just before it (a HIS creates then looks up)
    settings.setReuseCachedSearchResultsForMillis(null);
    settings.setUniqueIndexesEnabled(true);
    settings.setAllowMultipleDelete(false);
    settings.setDeleteExpungeEnabled(false);
    settings.setExpungeEnabled(false);
    // resources are served as stored; the client-assigned id policy keeps clients from choosing
    // ids that might carry personal data (card numbers)
    settings.setResourceClientIdStrategy(JpaStorageSettings.ClientIdStrategyEnum.ALPHANUMERIC);
    settings.setResourceServerIdStrategy(JpaStorageSettings.IdStrategyEnum.SEQUENTIAL_NUMERIC);
    settings.setDefaultSearchParamsCanBeOverridden(true);
    settings.setMarkResourcesForReindexingUponSearchParameterChange(true);
    settings.setAdvancedHSearchIndexing(false);
    settings.setStoreResourceInHSearchIndex(false);
    // HAPI's default keeps every resource version in a PostgreSQL large object: one extra
    // round trip per write and per read. Inline text columns (TOAST-compressed) are far faster.
    settings.setInlineResourceTextBelowSize(Integer.MAX_VALUE);
    // index rows carry hashes only (no repeated resource type / parameter name strings)
    settings.setIndexStorageOptimized(true);
    // tags and profiles on the current version only: no history-tag row per write
    settings.setTagStorageMode(JpaStorageSettings.TagStorageModeEnum.NON_VERSIONED);
    // token ":text" searches need a string index row for every coding display; searches go by
    // code in this hub, and these rows were a large share of all index writes
    settings.setSuppressStringIndexingInTokens(true);
    // store code-system concepts in the same transaction (the divisions have 3,351): HAPI would
    // otherwise defer them to a background job and $lookup would fail until it ran
    settings.setDeferIndexingForCodesystemsOfSize(10_000);
    // a ValueSet/$expand of every division (3,351 codes) in one answer
    settings.setMaximumExpansionSize(20_000);
    settings.setPreExpandValueSetsMaxCount(20_000);
    // batch jobs ($export, reindex) move to their next step as soon as one is done instead of
    // waiting for the next once-a-minute maintenance pass; every export starts fresh
    settings.setJobFastTrackingEnabled(true);
    settings.setEnableBulkExportJobReuse(false);
    // an export file is built in memory and Base64-encoded into a Binary (about 3x its size), on
    // several worker threads at once: keep each file small enough for a 1 GiB heap
    settings.setBulkExportFileMaximumSize(8L * 1024 * 1024);
    settings.setSearchPreFetchThresholds(preFetchThresholds(hub.fhir().defaultPageSize()));
    settings.setBundleBatchPoolSize(4);
    settings.setBundleBatchMaxPoolSize(8);
    return settings;
  }

  /**
   * How many results a paged search (and {@code $everything}) loads before it answers. HAPI's
   * first step is 13, so a first page of 50 always took a second pass loading up to 503 ids and
   * writing them all to the search-result table before the client saw anything. The first step
   * here is one page; later pages load in HAPI's larger steps.
   */
  static List<Integer> preFetchThresholds(int pageSize) {
    List<Integer> thresholds = new ArrayList<>();
    thresholds.add(pageSize);
    for (int next : JpaStorageSettings.DEFAULT_SEARCH_PRE_FETCH_THRESHOLDS) {
      if (next == -1 || next > pageSize) {
        thresholds.add(next);
      }
    }
    return thresholds;
  }

  @Bean
  public PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Bean
  public SubscriptionSettings subscriptionSettings() {
    return new SubscriptionSettings();
  }

  @Bean
  public HapiSchema hapiSchema(DataSource dataSource) {
    return HapiSchema.migrate(dataSource);
  }

  @Bean
  public HubSchema hubSchema(DataSource dataSource) {
    return HubSchema.migrate(dataSource);
  }

  @Bean
  @Primary
  public LocalContainerEntityManagerFactoryBean entityManagerFactory(
      DataSource dataSource,
      HapiSchema schema,
      ConfigurableListableBeanFactory beanFactory,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings) {
    LocalContainerEntityManagerFactoryBean factory =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(
            beanFactory, fhirContext, storageSettings);
    factory.setPersistenceUnitName("HAPI_PU");
    factory.setDataSource(dataSource);
    factory.setJpaProperties(hibernateProperties());
    return factory;
  }

  /** Boot's spring.jpa.* does not reach HAPI's entity manager factory: set them here. */
  static Properties hibernateProperties() {
    Properties p = new Properties();
    p.put("hibernate.dialect", HapiFhirPostgresDialect.class.getName());
    // HapiSchema has just migrated the tables with HAPI's own migrator; validating them again
    // through Hibernate cost about two seconds of every start
    p.put("hibernate.hbm2ddl.auto", "none");
    p.put("hibernate.format_sql", "false");
    p.put("hibernate.show_sql", "false");
    p.put("hibernate.jdbc.batch_size", "50");
    p.put("hibernate.order_inserts", "true");
    p.put("hibernate.order_updates", "true");
    p.put("hibernate.jdbc.batch_versioned_data", "true");
    p.put("hibernate.cache.use_query_cache", "false");
    p.put("hibernate.cache.use_second_level_cache", "false");
    p.put("hibernate.cache.use_structured_entries", "false");
    p.put("hibernate.cache.use_minimal_puts", "false");
    p.put("hibernate.search.enabled", "false");
    return p;
  }

  @Bean
  @Primary
  public JpaTransactionManager transactionManager(
      EntityManagerFactory entityManagerFactory, DataSource dataSource) {
    JpaTransactionManager manager = new JpaTransactionManager();
    manager.setEntityManagerFactory(entityManagerFactory);
    // plain JDBC (the hub's own tables) joins the same transactions as HAPI's writes
    manager.setDataSource(dataSource);
    return manager;
  }

  @Bean
  public IStaleSearchDeletingSvc staleSearchDeletingSvc() {
    return new StaleSearchDeletingSvcImpl();
  }

  @Bean
  public DatabaseBackedPagingProvider databaseBackedPagingProvider(HubProperties hub) {
    DatabaseBackedPagingProvider paging = new DatabaseBackedPagingProvider();
    paging.setDefaultPageSize(hub.fhir().defaultPageSize());
    paging.setMaximumPageSize(hub.fhir().maxPageSize());
    return paging;
  }

  @Bean
  public IResourceSupportedSvc resourceSupportedSvc(IDaoRegistry daoRegistry) {
    return new DaoRegistryResourceSupportedSvc(daoRegistry);
  }

  @Bean(name = "myResourceCountsCache")
  public ResourceCountCache resourceCountsCache(IFhirSystemDao<?, ?> systemDao) {
    return ResourceCountCacheUtil.newResourceCountCache(systemDao);
  }

  /**
   * Runs last on the refresh event, like the health-card parameters: restoring a parameter starts a
   * HAPI reindex job, whose definition HAPI registers on that event.
   */
  @Bean
  @Order(Ordered.LOWEST_PRECEDENCE)
  public ApplicationListener<ContextRefreshedEvent> retiredSearchParameterInstaller(
      FhirContext fhirContext, DaoRegistry daoRegistry, ISearchParamRegistry registry, HubProperties hub) {
    return event ->
        new RetiredSearchParameters(fhirContext)
            .apply(hub.fhir().retiredSearchParameters(), daoRegistry, registry);
  }

  /** Registered before the web server starts, like the identity interceptors. */
  @Bean
  public SmartInitializingSingleton matchUrlCacheGuard(
      IInterceptorService interceptors,
      MemoryCacheService memoryCache,
      FhirContext fhirContext) {
    return () -> interceptors.registerInterceptor(new MatchUrlCacheGuard(memoryCache, fhirContext));
  }

  @Bean
  public BatchJobPace batchJobPace(ca.uhn.fhir.batch2.api.IJobMaintenanceService maintenance) {
    return new BatchJobPace(maintenance);
  }
}
