package cn.healthcard.hub.server.bank;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import cn.healthcard.hub.routes.bank.BankStatementIntake;
import cn.healthcard.hub.routes.bank.BankStatementProcessor;
import cn.healthcard.hub.routes.bank.BankStatementRoutes;
import cn.healthcard.hub.server.HubProperties;
import javax.sql.DataSource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/** Bank statements in: the inbox, the repository port, the intake and the Camel routes. */
@Configuration(proxyBeanMethods = false)
public class BankStatementConfig {

  @Bean
  public JdbcBankStatementInbox bankStatementInbox(DataSource dataSource) {
    return new JdbcBankStatementInbox(dataSource);
  }

  @Bean
  public BankStatementIntake bankStatementIntake(JdbcBankStatementInbox inbox) {
    return new BankStatementIntake(inbox);
  }

  @Bean
  public BankStatementProcessor bankStatementProcessor(JdbcBankStatementInbox inbox, PlatformTransactionManager transactions,
      IFhirSystemDao<Bundle, Meta> systemDao) {
    return new BankStatementProcessor(inbox, new FhirBankStatementRepository(new TransactionTemplate(transactions),
        systemDao, inbox));
  }

  @Bean
  public BankStatementRoutes bankStatementRoutes(HubProperties hub, BankStatementIntake intake,
      BankStatementProcessor processor, JdbcBankStatementInbox inbox) {
    return new BankStatementRoutes(new BankStatementRoutes.Settings(hub.dataDir().resolve("inbound").resolve("bank"),
        hub.hl7v2().redeliveries()), intake, processor, inbox);
  }
}
