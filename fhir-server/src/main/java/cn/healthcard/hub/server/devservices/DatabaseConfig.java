package cn.healthcard.hub.server.devservices;

import cn.healthcard.hub.server.HubProperties;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.autoconfigure.jdbc.DataSourceProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;

/**
 * The hub's data source: the external PostgreSQL named by {@code spring.datasource.url} (or
 * {@code HUB_DB_URL}), otherwise an embedded PostgreSQL under {@code hub.data-dir/postgres}.
 */
@Configuration(proxyBeanMethods = false)
public class DatabaseConfig {

  @Bean
  @Primary
  @ConfigurationProperties("spring.datasource")
  public DataSourceProperties dataSourceProperties() {
    return new DataSourceProperties();
  }

  @Bean(destroyMethod = "close")
  @ConditionalOnExpression("'${spring.datasource.url:}' == ''")
  public EmbeddedPostgresServer embeddedPostgres(HubProperties hub) throws IOException {
    return EmbeddedPostgresServer.start(hub.dataDir().resolve("postgres"));
  }

  @Bean
  @Primary
  @ConfigurationProperties("spring.datasource.hikari")
  public HikariDataSource dataSource(
      DataSourceProperties properties,
      ObjectProvider<EmbeddedPostgresServer> embedded) {
    EmbeddedPostgresServer server = embedded.getIfAvailable();
    if (server != null) {
      properties.setUrl(server.jdbcUrl());
      properties.setUsername("postgres");
      properties.setPassword("");
    }
    properties.setDriverClassName("org.postgresql.Driver");
    return properties.initializeDataSourceBuilder().type(HikariDataSource.class).build();
  }
}
