package cn.healthcard.hub.server.childhealth;

import ca.uhn.fhir.interceptor.api.IInterceptorService;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import cn.healthcard.hub.terminology.growth.GrowthStandards;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Child health checks: growth percentiles against the WHO standards. */
@Configuration(proxyBeanMethods = false)
public class ChildHealthConfig {

  @Bean
  public SmartInitializingSingleton growthPercentiles(IInterceptorService interceptors, DaoRegistry daos) {
    return () -> interceptors.registerInterceptor(new GrowthPercentiles(GrowthStandards.standard(), daos));
  }
}
