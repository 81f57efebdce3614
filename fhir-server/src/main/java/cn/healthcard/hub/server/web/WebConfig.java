package cn.healthcard.hub.server.web;

import cn.healthcard.hub.server.HubProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class WebConfig {

  @Bean
  public StartupGate startupGate() {
    return new StartupGate();
  }

  @Bean
  public FilterRegistrationBean<StartupGate> startupGateFilter(StartupGate gate) {
    FilterRegistrationBean<StartupGate> registration = new FilterRegistrationBean<>(gate);
    registration.addUrlPatterns("/fhir/*", "/hl7v2", "/admin/*", "/key-injection/*", "/ca/*");
    registration.setOrder(-10);
    return registration;
  }

  @Bean
  public FilterRegistrationBean<RequestSizeLimitFilter> fhirRequestSizeLimit(HubProperties hub) {
    FilterRegistrationBean<RequestSizeLimitFilter> registration =
        new FilterRegistrationBean<>(new RequestSizeLimitFilter(hub.fhir().maxRequestSize()));
    registration.addUrlPatterns("/fhir/*", "/hl7v2", "/key-injection/*");
    registration.setOrder(0);
    return registration;
  }
}
