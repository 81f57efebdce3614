package cn.healthcard.hub.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.data.elasticsearch.ElasticsearchDataAutoConfiguration;
import org.springframework.boot.autoconfigure.data.elasticsearch.ElasticsearchRepositoriesAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchClientAutoConfiguration;
import org.springframework.boot.autoconfigure.elasticsearch.ElasticsearchRestClientAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.orm.jpa.HibernateJpaAutoConfiguration;
import org.springframework.boot.autoconfigure.quartz.QuartzAutoConfiguration;
import org.springframework.boot.autoconfigure.thymeleaf.ThymeleafAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * The provincial health-information exchange hub: FHIR R4 at {@code /fhir}.
 *
 * <p>Boot's Elasticsearch client auto-configurations are excluded because HAPI brings the client
 * jar and Boot would then probe localhost:9200 on its own; the hub configures its client itself.
 * The data source and HAPI's entity manager are configured by the hub too (see {@code
 * repository}), so Boot's JDBC/JPA auto-configuration is off; HAPI runs its own Quartz
 * schedulers, so Boot's (an idle third one) is off too.
 */
@SpringBootApplication(
    exclude = {
      ElasticsearchClientAutoConfiguration.class,
      ElasticsearchRestClientAutoConfiguration.class,
      ElasticsearchDataAutoConfiguration.class,
      ElasticsearchRepositoriesAutoConfiguration.class,
      ThymeleafAutoConfiguration.class,
      FlywayAutoConfiguration.class,
      DataSourceAutoConfiguration.class,
      HibernateJpaAutoConfiguration.class,
      QuartzAutoConfiguration.class
    })
@ConfigurationPropertiesScan
public class HubApplication {
  public static void main(String[] args) {
    SpringApplication.run(HubApplication.class, args);
  }
}
