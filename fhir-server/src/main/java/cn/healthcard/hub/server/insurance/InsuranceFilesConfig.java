package cn.healthcard.hub.server.insurance;

import cn.healthcard.hub.insurance.Insurance;
import cn.healthcard.hub.insurance.InsuranceRepository;
import cn.healthcard.hub.insurance.bank.BankLink;
import cn.healthcard.hub.insurance.bank.MalformedBankFile;
import cn.healthcard.hub.insurance.roll.RollVerification;
import cn.healthcard.hub.routes.insurance.InsuranceFileRoutes;
import cn.healthcard.hub.routes.insurance.InsuranceFiles;
import cn.healthcard.hub.server.HubProperties;
import java.nio.file.Path;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The insurance's files: the partner bank's answers and the county offices' enrolment rolls in
 * ({@code <hub.data-dir>/inbound/insurance-bank}, {@code .../insurance-roll}), batch files and
 * roll reports out ({@code <hub.data-dir>/outbound/insurance-bank}, {@code .../insurance-roll}).
 */
@Configuration(proxyBeanMethods = false)
public class InsuranceFilesConfig {

  private static final Logger log = LoggerFactory.getLogger(InsuranceFilesConfig.class);

  @Bean
  public BankLink insuranceBankLink(DataSource dataSource, PlatformTransactionManager transactions, Insurance insurance,
      InsuranceRepository repository) {
    return new BankLink(JdbcClient.create(dataSource), new TransactionTemplate(transactions), Clock.systemUTC(),
        insurance, repository);
  }

  @Bean
  public RollVerification rollVerification(InsuranceRepository repository, DataSource dataSource) {
    return new RollVerification(repository, JdbcClient.create(dataSource));
  }

  static Path outbound(HubProperties hub, String what) {
    return hub.dataDir().resolve("outbound").resolve(what);
  }

  @Bean
  public InsuranceFileRoutes insuranceFileRoutes(HubProperties hub, BankLink bank, RollVerification rolls) {
    InsuranceFiles files = new InsuranceFiles() {
      @Override
      public String applyBankAnswer(byte[] content, String fileName) {
        try {
          BankLink.Applied applied = bank.applyAnswer(content, fileName);
          return applied.duplicate() ? "a file applied before: nothing changed"
              : applied.paid() + " paid, " + applied.failed() + " failed, " + applied.answeredBefore()
                  + " answered before; PaymentReconciliation/" + applied.reconciliation().orElse("-");
        } catch (MalformedBankFile e) {
          throw new InsuranceFiles.Refused(e.line(), e.getMessage());
        }
      }

      @Override
      public byte[] verifyRoll(byte[] content, String fileName) {
        try {
          RollVerification.Report report = rolls.verify(content,
              done -> {
                if (done % 10_000 == 0) {
                  log.info("Enrolment roll {}: {} lines verified", fileName, done);
                }
              });
          log.info("Enrolment roll {}: {} lines, findings {}", fileName, report.lines(), report.counts());
          return report.csv();
        } catch (RollVerification.UnreadableRoll e) {
          throw new InsuranceFiles.Refused(e.line(), e.getMessage());
        }
      }
    };
    Path inbound = hub.dataDir().resolve("inbound");
    return new InsuranceFileRoutes(new InsuranceFileRoutes.Settings(inbound.resolve("insurance-bank"),
        inbound.resolve("insurance-roll"), outbound(hub, "insurance-roll")), files);
  }
}
