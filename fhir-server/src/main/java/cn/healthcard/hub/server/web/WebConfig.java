package cn.healthcard.hub.server.web;

import cn.healthcard.hub.server.HubProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class WebConfig {

  @Bean
  public FilterRegistrationBean<RequestSizeLimitFilter> fhirRequestSizeLimit(HubProperties hub) {
    FilterRegistrationBean<RequestSizeLimitFilter> registration =
        new FilterRegistrationBean<>(new RequestSizeLimitFilter(hub.fhir().maxRequestSize()));
    registration.addUrlPatterns("/fhir/*");
    registration.setOrder(0);
    return registration;
  }
}
