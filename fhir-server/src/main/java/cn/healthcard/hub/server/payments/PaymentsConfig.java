package cn.healthcard.hub.server.payments;

import ca.uhn.fhir.rest.server.RestfulServer;
import cn.healthcard.hub.payments.Payments;
import cn.healthcard.hub.payments.alipay.AlipayChannel;
import cn.healthcard.hub.payments.alipay.AlipaySandbox;
import cn.healthcard.hub.payments.alipay.AlipaySettings;
import cn.healthcard.hub.payments.channel.PaymentChannel;
import cn.healthcard.hub.payments.fhir.PaymentCallers;
import cn.healthcard.hub.payments.fhir.PaymentOperations;
import cn.healthcard.hub.payments.order.PaymentOrders;
import cn.healthcard.hub.payments.reconcile.DailyReconciliation;
import cn.healthcard.hub.payments.reconcile.ReconciliationJob;
import cn.healthcard.hub.payments.medicalinsurance.MedicalInsuranceChannel;
import cn.healthcard.hub.payments.medicalinsurance.MedicalInsuranceSandbox;
import cn.healthcard.hub.payments.medicalinsurance.MedicalInsuranceSettings;
import cn.healthcard.hub.payments.unionpay.UnionPayChannel;
import cn.healthcard.hub.payments.unionpay.UnionPaySandbox;
import cn.healthcard.hub.payments.unionpay.UnionPaySettings;
import cn.healthcard.hub.payments.wechatpay.WechatPayChannel;
import cn.healthcard.hub.payments.wechatpay.WechatPaySandbox;
import cn.healthcard.hub.payments.wechatpay.WechatPaySettings;
import cn.healthcard.hub.payments.wechatpay.WechatPaySimulator;
import cn.healthcard.hub.server.HubProperties;
import cn.healthcard.hub.server.security.TokenPaymentCallers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The unified payment platform in the application: the ledger on the hub's database, the
 * channels (the sandbox's simulators, or real merchants from {@code hub.payments.*}), the FHIR
 * operations, the channels' notification endpoint.
 */
@Configuration(proxyBeanMethods = false)
public class PaymentsConfig {

  private static final Logger log = LoggerFactory.getLogger(PaymentsConfig.class);

  /** The port the web server listens on, known once it has started (the sandbox's notify URL). */
  private final AtomicInteger localPort = new AtomicInteger(-1);

  @Bean
  public ApplicationListener<WebServerInitializedEvent> paymentsLocalPort() {
    return event -> {
      if (event.getApplicationContext().getServerNamespace() == null) {
        localPort.set(event.getWebServer().getPort());
      }
    };
  }

  /** The ledger; each payment and refund also a PaymentNotice, written in the ledger's transaction. */
  @Bean
  public PaymentOrders paymentOrders(DataSource dataSource, PlatformTransactionManager transactions,
      ca.uhn.fhir.jpa.api.dao.DaoRegistry daos, cn.healthcard.hub.insurance.Insurance insurance) {
    FhirPaymentNotices notices = new FhirPaymentNotices(daos);
    // a paid Invoice that is a scheme premium starts its members' coverage, in the payment's transaction
    cn.healthcard.hub.payments.order.PaymentRecords records = new cn.healthcard.hub.payments.order.PaymentRecords() {
      @Override
      public void paid(cn.healthcard.hub.payments.order.PaymentOrder order) {
        notices.paid(order);
        order.invoice().ifPresent(invoice -> insurance.invoicePaid(invoice.substring(invoice.indexOf('/') + 1),
            order.paidAt().orElse(order.createdAt()), "payment " + order.id()));
      }

      @Override
      public void refunded(cn.healthcard.hub.payments.order.PaymentOrder order,
          cn.healthcard.hub.payments.order.PaymentRefund refund) {
        notices.refunded(order, refund);
      }
    };
    return new PaymentOrders(JdbcClient.create(dataSource), new TransactionTemplate(transactions), Clock.systemUTC(),
        records);
  }

  @Bean
  @org.springframework.core.annotation.Order(org.springframework.core.Ordered.LOWEST_PRECEDENCE)
  public ApplicationListener<org.springframework.context.event.ContextRefreshedEvent> paymentNoticeSearches(
      ca.uhn.fhir.jpa.api.dao.DaoRegistry daos, ca.uhn.fhir.rest.server.util.ISearchParamRegistry registry) {
    return event -> PaymentNoticeSearches.install(daos, registry);
  }

  /** The sandbox's WeChat Pay (simulator and merchant), when the sandbox is on. */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(prefix = "hub.payments", name = "sandbox", havingValue = "true", matchIfMissing = true)
  public WechatPaySandbox wechatPaySandbox(PaymentsProperties payments, HubProperties hub) throws IOException {
    refuseSandboxBeside(hub, payments.wechatpay().configured(), "a real WeChat Pay merchant");
    WechatPaySandbox sandbox = WechatPaySandbox.start("http://127.0.0.1/payments/notify/wechatpay",
        WechatPaySimulator.SANDBOX_RETRIES, Clock.systemUTC());
    log.info("Payments sandbox: WeChat Pay simulator at {} (keys made for this run; no real money moves)",
        sandbox.settings().baseUrl());
    return sandbox;
  }

  /** The sandbox's Alipay (simulator and application), when the sandbox is on. */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(prefix = "hub.payments", name = "sandbox", havingValue = "true", matchIfMissing = true)
  public AlipaySandbox alipaySandbox(PaymentsProperties payments, HubProperties hub) throws IOException {
    refuseSandboxBeside(hub, payments.alipay().configured(), "a real Alipay application");
    AlipaySandbox sandbox = AlipaySandbox.start("http://127.0.0.1/payments/notify/alipay", AlipaySandbox.SANDBOX_RETRIES,
        Clock.systemUTC());
    log.info("Payments sandbox: Alipay simulator at {} (keys made for this run; no real money moves)",
        sandbox.settings().gatewayUrl());
    return sandbox;
  }

  /** The sandbox's UnionPay (simulator, certificate hierarchy and merchant), when the sandbox is on. */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(prefix = "hub.payments", name = "sandbox", havingValue = "true", matchIfMissing = true)
  public UnionPaySandbox unionPaySandbox(PaymentsProperties payments, HubProperties hub) throws IOException {
    refuseSandboxBeside(hub, payments.unionpay().configured(), "a real UnionPay merchant");
    UnionPaySandbox sandbox = UnionPaySandbox.start("http://127.0.0.1/payments/notify/unionpay",
        UnionPaySandbox.SANDBOX_RETRIES, Clock.systemUTC());
    log.info("Payments sandbox: UnionPay simulator at {} (certificates made for this run; no real money moves)",
        sandbox.settings().gatewayUrl());
    return sandbox;
  }

  /** The sandbox's medical-insurance platform (simulator and keys), when the sandbox is on. */
  @Bean(destroyMethod = "close")
  @ConditionalOnProperty(prefix = "hub.payments", name = "sandbox", havingValue = "true", matchIfMissing = true)
  public MedicalInsuranceSandbox medicalInsuranceSandbox(PaymentsProperties payments, HubProperties hub) throws IOException {
    refuseSandboxBeside(hub, payments.medicalInsurance().configured(), "a real medical-insurance platform");
    MedicalInsuranceSandbox sandbox = MedicalInsuranceSandbox.start("http://127.0.0.1/payments/notify/medical-insurance",
        MedicalInsuranceSandbox.SANDBOX_RETRIES, Clock.systemUTC());
    log.info("Payments sandbox: medical-insurance simulator at {} (keys made for this run; no real money moves)",
        sandbox.settings().gatewayUrl());
    return sandbox;
  }

  /** With security on, the sandbox and a real channel never run side by side: real payments need the sandbox off. */
  private static void refuseSandboxBeside(HubProperties hub, boolean realChannelConfigured, String realChannel) {
    if (hub.security().enabled() && realChannelConfigured) {
      throw new IllegalStateException("hub.payments.sandbox is on while " + realChannel + " is configured"
          + " and security is on: turn the sandbox off (hub.payments.sandbox=false) to take real payments");
    }
  }

  @Bean
  public Payments payments(PaymentOrders orders, PaymentsProperties properties, Optional<WechatPaySandbox> sandbox,
      Optional<AlipaySandbox> alipaySandbox, Optional<UnionPaySandbox> unionPaySandbox,
      Optional<MedicalInsuranceSandbox> insuranceSandbox) {
    List<PaymentChannel> channels = new ArrayList<>();
    if (insuranceSandbox.isPresent()) {
      channels.add(new MedicalInsuranceChannel(insuranceSandbox.get().settings(),
          () -> "http://127.0.0.1:" + localPort.get() + "/payments/notify/medical-insurance", Clock.systemUTC()));
    } else if (properties.medicalInsurance().configured()) {
      PaymentsProperties.MedicalInsurance m = properties.medicalInsurance();
      channels.add(new MedicalInsuranceChannel(MedicalInsuranceSettings.fromText(m.gatewayUrl(), m.appId(),
          m.institutionCode(), m.area(), m.hubPrivateKey(), m.platformPublicKey(), m.sm4Key(), m.notifyUrl()),
          Clock.systemUTC()));
    }
    if (unionPaySandbox.isPresent()) {
      channels.add(new UnionPayChannel(unionPaySandbox.get().settings(),
          () -> "http://127.0.0.1:" + localPort.get() + "/payments/notify/unionpay", Clock.systemUTC()));
    } else if (properties.unionpay().configured()) {
      PaymentsProperties.Unionpay u = properties.unionpay();
      channels.add(new UnionPayChannel(UnionPaySettings.fromFiles(u.gatewayUrl(), u.fileUrl(), u.merchantId(),
          Path.of(u.signingCertificate()), u.signingCertificatePassword(), Path.of(u.middleCertificate()),
          Path.of(u.rootCertificate()), u.backUrl()), Clock.systemUTC()));
    }
    if (alipaySandbox.isPresent()) {
      channels.add(new AlipayChannel(alipaySandbox.get().settings(),
          () -> "http://127.0.0.1:" + localPort.get() + "/payments/notify/alipay"));
    } else if (properties.alipay().configured()) {
      PaymentsProperties.Alipay a = properties.alipay();
      channels.add(new AlipayChannel(AlipaySettings.fromBase64Keys(a.gatewayUrl(), a.appId(), a.privateKey(),
          a.alipayPublicKey(), a.notifyUrl())));
    }
    if (sandbox.isPresent()) {
      channels.add(new WechatPayChannel(sandbox.get().settings(),
          () -> "http://127.0.0.1:" + localPort.get() + "/payments/notify/wechatpay", Clock.systemUTC()));
    } else if (properties.wechatpay().configured()) {
      PaymentsProperties.Wechatpay w = properties.wechatpay();
      channels.add(new WechatPayChannel(WechatPaySettings.fromPemFiles(w.baseUrl(), w.merchantId(), w.appId(),
          w.privateKey(), w.merchantSerialNumber(), w.platformPublicKey(), w.platformPublicKeyId(), w.apiV3Key(),
          w.notifyUrl()), Clock.systemUTC()));
    }
    return new Payments(orders, channels);
  }

  @Bean
  public ReconciliationJob reconciliationJob(Payments payments, PaymentOrders orders, DataSource dataSource,
      PlatformTransactionManager transactions) {
    return new ReconciliationJob(payments, orders, JdbcClient.create(dataSource), new TransactionTemplate(transactions),
        Clock.systemUTC());
  }

  /** Each configured channel's previous day, reconciled every morning (China time). */
  @Bean(initMethod = "start", destroyMethod = "close")
  @ConditionalOnProperty(prefix = "hub.payments.reconciliation", name = "enabled", havingValue = "true", matchIfMissing = true)
  public DailyReconciliation dailyReconciliation(ReconciliationJob job, Payments payments, PaymentsProperties properties) {
    return new DailyReconciliation(job, payments.configuredChannels(), properties.reconciliation().at(),
        properties.reconciliation().retryAfter(), Clock.systemUTC());
  }

  /** Lost notifications made up for, expired orders closed, unconfirmed refunds settled. */
  @Bean(initMethod = "start", destroyMethod = "close")
  @ConditionalOnProperty(prefix = "hub.payments.sweep", name = "enabled", havingValue = "true", matchIfMissing = true)
  public cn.healthcard.hub.payments.PaymentSweep paymentSweep(Payments payments, PaymentsProperties properties) {
    PaymentsProperties.Sweep sweep = properties.sweep();
    return new cn.healthcard.hub.payments.PaymentSweep(payments, sweep.interval(), sweep.quiet(), sweep.expiry(),
        Clock.systemUTC());
  }

  @Bean
  public SmartInitializingSingleton paymentOperations(RestfulServer server, Payments payments, HubProperties hub,
      ReconciliationJob reconciliations) {
    PaymentCallers callers = hub.security().enabled() ? new TokenPaymentCallers() : PaymentCallers.UNSECURED;
    return () -> server.registerProvider(new PaymentOperations(payments, callers, reconciliations));
  }
}
