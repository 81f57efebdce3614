package cn.healthcard.hub.server.payments;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.payments.order.PaymentOrders;
import cn.healthcard.hub.payments.order.PaymentStatus;
import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.IdentityNumbers;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.function.Predicate;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Money;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.PaymentReconciliation;
import cn.healthcard.hub.payments.fhir.ReconciliationToFhir;
import cn.healthcard.hub.server.R4Validation;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The payment API as a hospital calls it, on the sandbox: WeChat Pay's simulator on loopback, the
 * real adapter, the real notification endpoint. Hospitals are bound to their institution.
 */
class PaymentsIT extends HubIntegrationTest {

  private final HttpClient raw = HttpClient.newHttpClient();
  @Autowired PaymentOrders orders;

  private String hospital(String institution) {
    registerHospital(institution);
    return clients().tokenFor("pay-" + institution.toLowerCase(java.util.Locale.ROOT),
        Map.of("role", "hospital", "institution", institution));
  }

  private HttpResponse<String> postAs(String token, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Content-Type", "application/fhir+json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return raw.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> getAs(String token, String path) throws Exception {
    return raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
        .header("Authorization", "Bearer " + token).header("Accept", "application/fhir+json").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Parameters order(String merchantOrderNo, String yuan) {
    Parameters p = new Parameters();
    p.addParameter("channel", new CodeType("wechatpay"));
    p.addParameter("merchantOrderNo", new StringType(merchantOrderNo));
    p.addParameter().setName("amount").setValue(new Money().setValue(new BigDecimal(yuan)).setCurrency("CNY"));
    p.addParameter().setName("patient").setValue(new Identifier().setSystem(CARD)
        .setValue(IdentityNumbers.next(LocalDate.of(1985, 5, 5))));
    p.addParameter("description", new StringType("门诊缴费"));
    return p;
  }

  private static String json(Parameters p) {
    return FHIR.newJsonParser().encodeResourceToString(p);
  }

  private static Parameters parameters(HttpResponse<String> response) {
    return FHIR.newJsonParser().parseResource(Parameters.class, response.body());
  }

  private static String value(Parameters p, String name) {
    return p.getParameter(name).getValue().primitiveValue();
  }

  private Parameters awaitStatus(String token, String payment, Predicate<String> done) throws Exception {
    Instant deadline = Instant.now().plusSeconds(20);
    while (true) {
      HttpResponse<String> status = getAs(token, "/fhir/$payment-status?payment=" + payment);
      assertThat(status.statusCode()).isEqualTo(200);
      Parameters p = parameters(status);
      if (done.test(value(p, "status")) || Instant.now().isAfter(deadline)) {
        return p;
      }
      Thread.sleep(100);
    }
  }

  @Test
  void aHospitalPlacesAnOrderThePayerPaysAndTheNotificationMarksItPaidOnce() throws Exception {
    String token = hospital("PAY_HOSP_A");
    String number = "ORD-" + System.nanoTime();
    HttpResponse<String> created = postAs(token, "/fhir/$create-payment", json(order(number, "36.50")));
    assertThat(created.statusCode()).isEqualTo(200);
    Parameters answer = parameters(created);
    String payment = value(answer, "payment");
    assertThat(value(answer, "status")).isEqualTo("created");
    assertThat(value(answer, "payload")).startsWith("weixin://wxpay/bizpayurl?pr=");
    assertThat(((Money) answer.getParameter("amount").getValue()).getValue()).isEqualByComparingTo("36.50");

    // the hospital's app retries: the same order, nothing placed twice
    HttpResponse<String> retried = postAs(token, "/fhir/$create-payment", json(order(number, "36.50")));
    assertThat(retried.statusCode()).isEqualTo(200);
    assertThat(value(parameters(retried), "payment")).isEqualTo(payment);
    HttpResponse<String> otherAmount = postAs(token, "/fhir/$create-payment", json(order(number, "40.00")));
    assertThat(otherAmount.statusCode()).isEqualTo(409);
    OperationOutcome conflict = FHIR.newJsonParser().parseResource(OperationOutcome.class, otherAmount.body());
    assertThat(conflict.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Parameters.parameter.where(name = 'merchantOrderNo')");

    HttpResponse<String> paid = postAs(token, "/sandbox/payments/wechatpay/" + number + "/pay", "");
    assertThat(paid.statusCode()).isEqualTo(202);
    Parameters status = awaitStatus(token, payment, "paid"::equals);
    assertThat(value(status, "status")).isEqualTo("paid");
    assertThat(status.getParameter("channelTransactionId")).isNotNull();
    assertThat(status.getParameter("paidAt")).isNotNull();
    assertThat(orders.ledgerRows(payment, PaymentStatus.PAID)).isEqualTo(1);

    // closing a paid order is refused; another hospital does not see it at all
    HttpResponse<String> close = postAs(token, "/fhir/$close-payment", json(new Parameters()
        .addParameter("payment", new StringType(payment))));
    assertThat(close.statusCode()).isEqualTo(409);
    assertThat(getAs(hospital("PAY_HOSP_B"), "/fhir/$payment-status?payment=" + payment).statusCode()).isEqualTo(404);
  }

  @Test
  void anOrderClosedBeforePaymentCannotBePaidAndBadRequestsNameTheParameter() throws Exception {
    String token = hospital("PAY_HOSP_A");
    String number = "ORD-" + System.nanoTime();
    String payment = value(parameters(postAs(token, "/fhir/$create-payment", json(order(number, "5.00")))), "payment");
    HttpResponse<String> closed = postAs(token, "/fhir/$close-payment", json(new Parameters()
        .addParameter("payment", new StringType(payment))));
    assertThat(closed.statusCode()).isEqualTo(200);
    assertThat(value(parameters(closed), "status")).isEqualTo("closed");
    assertThat(postAs(token, "/sandbox/payments/wechatpay/" + number + "/pay", "").statusCode()).isEqualTo(409);

    HttpResponse<String> fen = postAs(token, "/fhir/$create-payment", json(order("ORD-" + System.nanoTime(), "1.005")));
    assertThat(fen.statusCode()).isEqualTo(422);
    OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, fen.body());
    assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Parameters.parameter.where(name = 'amount')");
    Parameters unknown = order("ORD-" + System.nanoTime(), "1.00");
    unknown.getParameter("channel").setValue(new CodeType("paypal"));
    HttpResponse<String> unknownChannel = postAs(token, "/fhir/$create-payment", json(unknown));
    assertThat(unknownChannel.statusCode()).isEqualTo(422);
    assertThat(unknownChannel.body()).contains("unknown channel paypal");
  }

  @Test
  void aPaidOrderIsRefundedInPartsAndTheStatusListsTheRefunds() throws Exception {
    String token = hospital("PAY_HOSP_A");
    String number = "ORD-" + System.nanoTime();
    String payment = value(parameters(postAs(token, "/fhir/$create-payment", json(order(number, "20.00")))), "payment");
    assertThat(postAs(token, "/sandbox/payments/wechatpay/" + number + "/pay", "").statusCode()).isEqualTo(202);
    awaitStatus(token, payment, "paid"::equals);

    Parameters refund = new Parameters()
        .addParameter("payment", new StringType(payment))
        .addParameter("refundRequestNo", new StringType("RF-" + number))
        .addParameter("reason", new StringType("检查取消"));
    refund.addParameter().setName("amount").setValue(new Money().setValue(new BigDecimal("5.00")).setCurrency("CNY"));
    HttpResponse<String> started = postAs(token, "/fhir/$refund-payment", json(refund));
    assertThat(started.statusCode()).isEqualTo(200);
    assertThat(value(parameters(started), "status")).isIn("refunding", "refunded");
    HttpResponse<String> repeated = postAs(token, "/fhir/$refund-payment", json(refund));
    assertThat(repeated.statusCode()).isEqualTo(200);
    assertThat(value(parameters(repeated), "refund")).isEqualTo(value(parameters(started), "refund"));

    Parameters tooMuch = new Parameters()
        .addParameter("payment", new StringType(payment))
        .addParameter("refundRequestNo", new StringType("RF2-" + number));
    tooMuch.addParameter().setName("amount").setValue(new Money().setValue(new BigDecimal("15.01")).setCurrency("CNY"));
    Instant deadline = Instant.now().plusSeconds(20);
    HttpResponse<String> refused = postAs(token, "/fhir/$refund-payment", json(tooMuch));
    while (refused.statusCode() == 409 && Instant.now().isBefore(deadline)) {
      // the first refund is still with the channel
      Thread.sleep(100);
      refused = postAs(token, "/fhir/$refund-payment", json(tooMuch));
    }
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).contains("only 15.00 CNY of 20.00 CNY is left to refund");

    Parameters status = awaitStatus(token, payment, "paid"::equals);
    var refunds = status.getParameter().stream().filter(p -> p.getName().equals("refund")).toList();
    assertThat(refunds).hasSize(1);
    assertThat(refunds.get(0).getPart().stream().filter(p -> p.getName().equals("status")).findFirst().orElseThrow()
        .getValue().primitiveValue()).isEqualTo("refunded");
  }

  @Test
  void callersWithoutTheHospitalRoleAreRefusedAndEveryCallIsAudited() throws Exception {
    String number = "ORD-" + System.nanoTime();
    String clinician = clients().tokenFor("pay-clinician", Map.of("role", "clinician", "institution", "PAY_HOSP_A"));
    assertThat(postAs(clinician, "/fhir/$create-payment", json(order(number, "1.00"))).statusCode()).isEqualTo(403);
    assertThat(getAs(clinician, "/fhir/$payment-status?payment=P0").statusCode()).isEqualTo(403);
    assertThat(postAs(clinician, "/fhir/$refund-payment", json(new Parameters()
        .addParameter("payment", new StringType("P0")))).statusCode()).isEqualTo(403);
    assertThat(postAs(clinician, "/sandbox/payments/wechatpay/" + number + "/pay", "").statusCode()).isEqualTo(403);

    registerHospital("PAY_HOSP_C");
    String token = clients().tokenFor("pay-audited", Map.of("role", "hospital", "institution", "PAY_HOSP_C"));
    assertThat(postAs(token, "/fhir/$create-payment", json(order(number, "1.00"))).statusCode()).isEqualTo(200);
    assertThat(postAs(token, "/sandbox/payments/wechatpay/" + number + "/pay", "").statusCode()).isEqualTo(202);
    // the operation and the sandbox call each leave an AuditEvent naming the client
    Instant deadline = Instant.now().plusSeconds(20);
    int audited = 0;
    while (audited < 2 && Instant.now().isBefore(deadline)) {
      Thread.sleep(200);
      audited = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class,
          getAs(clients().adminToken(), "/fhir/AuditEvent?agent-name=pay-audited&_summary=count").body()).getTotal();
    }
    assertThat(audited).isEqualTo(2);
  }

  @Test
  void anOperatorReconcilesTheChannelsDayAndARerunAnswersTheSameResource() throws Exception {
    String token = hospital("PAY_HOSP_R");
    String number = "ORD-" + System.nanoTime();
    String payment = value(parameters(postAs(token, "/fhir/$create-payment", json(order(number, "8.80")))), "payment");
    assertThat(postAs(token, "/sandbox/payments/wechatpay/" + number + "/pay", "").statusCode()).isEqualTo(202);
    Parameters paid = awaitStatus(token, payment, "paid"::equals);
    String day = ((org.hl7.fhir.r4.model.InstantType) paid.getParameter("paidAt").getValue()).getValueAsString().substring(0, 10);
    Parameters ask = new Parameters().addParameter("channel", new CodeType("wechatpay"));
    ask.addParameter().setName("date").setValue(new org.hl7.fhir.r4.model.DateType(day));
    String operator = clients().tokenFor("pay-operator", Map.of("role", "operator"));

    HttpResponse<String> first = postAs(operator, "/fhir/$reconcile-payments", json(ask));

    assertThat(first.statusCode()).isEqualTo(200);
    PaymentReconciliation report = FHIR.newJsonParser().parseResource(PaymentReconciliation.class, first.body());
    R4Validation.assertValid(report);
    assertThat(report.getIdPart()).isEqualTo("wechatpay-" + day.replace("-", ""));
    assertThat(report.getPaymentDateElement().getValueAsString()).isEqualTo(day);
    var ours = report.getDetail().stream()
        .filter(d -> d.getPredecessor().getValue() != null && d.getPredecessor().getValue().equals(payment)).toList();
    assertThat(ours).hasSize(1);
    assertThat(ours.get(0).getExtensionString(ReconciliationToFhir.MATCH)).isEqualTo("matched");
    assertThat(ours.get(0).getAmount().getValue()).isEqualByComparingTo("8.80");
    assertThat(ours.get(0).getPayee().getIdentifier().getValue()).isEqualTo("PAY_HOSP_R");
    assertThat(ours.get(0).getType().getCodingFirstRep().getCode()).isEqualTo("payment");
    // 0.6% of 8.80, to the fen
    assertThat(((Money) ours.get(0).getExtensionByUrl(ReconciliationToFhir.FEE).getValue()).getValue())
        .isEqualByComparingTo("0.05");

    HttpResponse<String> again = postAs(operator, "/fhir/$reconcile-payments", json(ask));
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(again.body()).isEqualTo(first.body());

    // hospitals do not reconcile the hub's merchant account; a day must be a day and not to come
    assertThat(postAs(token, "/fhir/$reconcile-payments", json(ask)).statusCode()).isEqualTo(403);
    HttpResponse<String> noDate = postAs(operator, "/fhir/$reconcile-payments",
        json(new Parameters().addParameter("channel", new CodeType("wechatpay"))));
    assertThat(noDate.statusCode()).isEqualTo(422);
    assertThat(FHIR.newJsonParser().parseResource(OperationOutcome.class, noDate.body()).getIssueFirstRep()
        .getExpression().get(0).getValue()).isEqualTo("Parameters.parameter.where(name = 'date')");
    Parameters future = new Parameters().addParameter("channel", new CodeType("wechatpay"));
    future.addParameter().setName("date").setValue(new org.hl7.fhir.r4.model.DateType(LocalDate.now().plusDays(2).toString()));
    assertThat(postAs(operator, "/fhir/$reconcile-payments", json(future)).statusCode()).isEqualTo(422);
  }

  @Test
  void anAlipayOrderIsPaidThroughTheChannelsFormNotificationAndRefunded() throws Exception {
    String token = hospital("PAY_HOSP_A");
    String number = "ALI-" + System.nanoTime();
    Parameters order = order(number, "66.60");
    order.getParameter("channel").setValue(new CodeType("alipay"));
    HttpResponse<String> created = postAs(token, "/fhir/$create-payment", json(order));
    assertThat(created.statusCode()).isEqualTo(200);
    String payment = value(parameters(created), "payment");
    assertThat(value(parameters(created), "payload")).startsWith("https://qr.alipay.com/");

    assertThat(postAs(token, "/sandbox/payments/alipay/" + number + "/pay", "").statusCode()).isEqualTo(202);
    // the notification (a signed form post) marks it paid; the status read must not be what pays it
    Instant deadline = Instant.now().plusSeconds(20);
    while (orders.byId(payment).orElseThrow().status() != PaymentStatus.PAID && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertThat(orders.byId(payment).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);
    assertThat(orders.ledgerRows(payment, PaymentStatus.PAID)).isEqualTo(1);

    Parameters refund = new Parameters()
        .addParameter("payment", new StringType(payment))
        .addParameter("refundRequestNo", new StringType("RF-" + number));
    refund.addParameter().setName("amount").setValue(new Money().setValue(new BigDecimal("66.60")).setCurrency("CNY"));
    HttpResponse<String> refunded = postAs(token, "/fhir/$refund-payment", json(refund));
    assertThat(refunded.statusCode()).isEqualTo(200);
    assertThat(value(parameters(refunded), "status")).isEqualTo("refunded");
    assertThat(value(awaitStatus(token, payment, "refunded"::equals), "status")).isEqualTo("refunded");
  }

  @Test
  void aUnionPayOrderGivesTheAppItsTransactionNumberIsPaidThroughTheSignedNotificationAndRefunded() throws Exception {
    String token = hospital("PAY_HOSP_A");
    String number = "UP" + System.nanoTime();
    Parameters order = order(number, "128.00");
    order.getParameter("channel").setValue(new CodeType("unionpay"));
    HttpResponse<String> created = postAs(token, "/fhir/$create-payment", json(order));
    assertThat(created.statusCode()).isEqualTo(200);
    String payment = value(parameters(created), "payment");
    assertThat(value(parameters(created), "payload")).matches("\\d{21}");

    assertThat(postAs(token, "/sandbox/payments/unionpay/" + number + "/pay", "").statusCode()).isEqualTo(202);
    Instant deadline = Instant.now().plusSeconds(20);
    while (orders.byId(payment).orElseThrow().status() != PaymentStatus.PAID && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertThat(orders.byId(payment).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);
    assertThat(orders.ledgerRows(payment, PaymentStatus.PAID)).isEqualTo(1);

    Parameters refund = new Parameters()
        .addParameter("payment", new StringType(payment))
        .addParameter("refundRequestNo", new StringType("RF-" + number));
    refund.addParameter().setName("amount").setValue(new Money().setValue(new BigDecimal("28.00")).setCurrency("CNY"));
    HttpResponse<String> refunded = postAs(token, "/fhir/$refund-payment", json(refund));
    assertThat(refunded.statusCode()).isEqualTo(200);
    assertThat(value(parameters(refunded), "status")).isEqualTo("refunded");
    assertThat(value(awaitStatus(token, payment, "paid"::equals), "status")).isEqualTo("paid");

    HttpResponse<String> forged = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/payments/notify/unionpay")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("merId=777290058110097&orderId=" + payment
            + "&queryId=1&respCode=00&txnType=01&txnAmt=12800&signature=AAAA"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forged.statusCode()).isEqualTo(400);
  }

  @Test
  void aMedicalInsuranceOrderNeedsThePayersAuthorisationAndItsStatusShowsTheSplit() throws Exception {
    String token = hospital("PAY_HOSP_A");
    String number = "MI" + System.nanoTime();
    Parameters order = order(number, "200.00");
    order.getParameter("channel").setValue(new CodeType("medical-insurance"));
    HttpResponse<String> unauthorised = postAs(token, "/fhir/$create-payment", json(order));
    assertThat(unauthorised.statusCode()).isEqualTo(422);
    OperationOutcome outcome = FHIR.newJsonParser().parseResource(OperationOutcome.class, unauthorised.body());
    assertThat(outcome.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Parameters.parameter.where(name = 'payAuthNo')");

    HttpResponse<String> authorised = postAs(token, "/sandbox/payments/medical-insurance/authorizations?mix=CASH_AND_INSURANCE", "");
    assertThat(authorised.statusCode()).isEqualTo(201);
    String payAuthNo = new com.fasterxml.jackson.databind.ObjectMapper().readTree(authorised.body()).path("payAuthNo").asText();
    order.addParameter("payAuthNo", new StringType(payAuthNo));
    HttpResponse<String> created = postAs(token, "/fhir/$create-payment", json(order));
    assertThat(created.statusCode()).isEqualTo(200);
    String payment = value(parameters(created), "payment");
    var payload = new com.fasterxml.jackson.databind.ObjectMapper().readTree(value(parameters(created), "payload"));
    assertThat(payload.path("mixPayType").asText()).isEqualTo("CASH_AND_INSURANCE");
    assertThat(payload.path("ownPayAmt").asText()).isEqualTo("60.00");

    assertThat(postAs(token, "/sandbox/payments/medical-insurance/" + number + "/pay", "").statusCode()).isEqualTo(202);
    Instant deadline = Instant.now().plusSeconds(20);
    while (orders.byId(payment).orElseThrow().status() != PaymentStatus.PAID && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }
    assertThat(orders.byId(payment).orElseThrow().status()).isEqualTo(PaymentStatus.PAID);
    Parameters status = awaitStatus(token, payment, "paid"::equals);
    Parameters.ParametersParameterComponent insurance = status.getParameter("insurance");
    assertThat(insurance).isNotNull();
    assertThat(((CodeType) part(insurance, "mixPayType")).getValue()).isEqualTo("CASH_AND_INSURANCE");
    assertThat(((Money) part(insurance, "fundPay")).getValue()).isEqualByComparingTo("120.00");
    assertThat(((Money) part(insurance, "accountPay")).getValue()).isEqualByComparingTo("20.00");
    assertThat(((Money) part(insurance, "cashPay")).getValue()).isEqualByComparingTo("60.00");
  }

  private static org.hl7.fhir.r4.model.Type part(Parameters.ParametersParameterComponent parameter, String name) {
    return parameter.getPart().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow().getValue();
  }

  @Test
  void eachPaymentAndRefundIsAPaymentNoticeSeenByTheInstitutionThePatientAndOperatorsOnly() throws Exception {
    String card = IdentityNumbers.next(LocalDate.of(1979, 3, 3));
    org.hl7.fhir.r4.model.Patient person = new org.hl7.fhir.r4.model.Patient();
    person.addIdentifier().setSystem(CARD).setValue(card);
    person.addName().setFamily("付").addGiven("款");
    String patientId = client().create().resource(person).execute().getId().getIdPart();
    String token = hospital("PAY_HOSP_N");
    String number = "PN-" + System.nanoTime();
    Parameters order = order(number, "45.00");
    ((Identifier) order.getParameter("patient").getValue()).setValue(card);
    order.addParameter().setName("invoice").setValue(new org.hl7.fhir.r4.model.Reference("Invoice/inv-" + number));
    String payment = value(parameters(postAs(token, "/fhir/$create-payment", json(order))), "payment");
    assertThat(postAs(token, "/sandbox/payments/wechatpay/" + number + "/pay", "").statusCode()).isEqualTo(202);
    awaitStatus(token, payment, "paid"::equals);
    Parameters refund = new Parameters().addParameter("payment", new StringType(payment))
        .addParameter("refundRequestNo", new StringType("RF-" + number));
    refund.addParameter().setName("amount").setValue(new Money().setValue(new BigDecimal("5.00")).setCurrency("CNY"));
    assertThat(postAs(token, "/fhir/$refund-payment", json(refund)).statusCode()).isEqualTo(200);
    awaitStatus(token, payment, "paid"::equals);

    HttpResponse<String> ours = getAs(token, "/fhir/PaymentNotice?patient=Patient/" + patientId + "&_sort=created");
    assertThat(ours.statusCode()).isEqualTo(200);
    org.hl7.fhir.r4.model.Bundle notices = FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, ours.body());
    assertThat(notices.getEntry()).hasSize(2);
    var paidNotice = (org.hl7.fhir.r4.model.PaymentNotice) notices.getEntry().get(0).getResource();
    assertThat(paidNotice.getAmount().getValue()).isEqualByComparingTo("45.00");
    assertThat(paidNotice.getIdentifierFirstRep().getValue()).isEqualTo(payment);
    // the hospital never sent that invoice: named, not referenced (a dangling reference would stop the payment)
    assertThat(paidNotice.getRequest().getDisplay()).isEqualTo("Invoice/inv-" + number);
    assertThat(paidNotice.getPayee().getIdentifier().getValue()).isEqualTo("PAY_HOSP_N");
    var refundNotice = (org.hl7.fhir.r4.model.PaymentNotice) notices.getEntry().get(1).getResource();
    assertThat(refundNotice.getAmount().getValue()).isEqualByComparingTo("-5.00");
    assertThat(refundNotice.getResponse().getIdentifier().getValue()).isEqualTo(payment);
    R4Validation.assertValid(paidNotice, refundNotice);
    HttpResponse<String> byInstitution = getAs(token, "/fhir/PaymentNotice?institution="
        + cn.healthcard.hub.terminology.HubCodeSystems.INSTITUTION + "%7CPAY_HOSP_N");
    assertThat(FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, byInstitution.body()).getEntry())
        .hasSize(2);

    // another hospital, a clinician treating no one here: nothing; the patient and operators: both
    String other = hospital("PAY_HOSP_O");
    HttpResponse<String> theirs = getAs(other, "/fhir/PaymentNotice?patient=Patient/" + patientId);
    assertThat(theirs.statusCode()).isEqualTo(200);
    assertThat(FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, theirs.body()).getEntry()).isEmpty();
    String clinician = clients().tokenFor("pn-clinician", Map.of("role", "clinician", "institution", "PAY_HOSP_N"));
    HttpResponse<String> clinical = getAs(clinician, "/fhir/PaymentNotice?patient=Patient/" + patientId);
    assertThat(clinical.statusCode()).isEqualTo(200);
    assertThat(FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, clinical.body()).getEntry()).isEmpty();
    String resident = clients().tokenFor("pn-resident-" + patientId, Map.of("role", "resident", "patient", patientId));
    HttpResponse<String> own = getAs(resident, "/fhir/PaymentNotice?patient=Patient/" + patientId);
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class, own.body()).getEntry()).hasSize(2);
    String operator = clients().tokenFor("pay-operator", Map.of("role", "operator"));
    assertThat(FHIR.newJsonParser().parseResource(org.hl7.fhir.r4.model.Bundle.class,
        getAs(operator, "/fhir/PaymentNotice?patient=Patient/" + patientId).body()).getEntry()).hasSize(2);
    // and no client writes one
    assertThat(postAs(token, "/fhir/PaymentNotice", FHIR.newJsonParser().encodeResourceToString(paidNotice.setId((String) null)))
        .statusCode()).isEqualTo(403);
  }

  @Test
  void notificationsNeedNoTokenButTheChannelsSignature() throws Exception {
    HttpResponse<String> forged = postAs(null, "/payments/notify/wechatpay",
        "{\"id\":\"x\",\"resource\":{\"ciphertext\":\"AAAA\",\"nonce\":\"n\",\"associated_data\":\"transaction\"}}");
    assertThat(forged.statusCode()).isEqualTo(400);
    assertThat(forged.body()).contains("\"code\":\"FAIL\"");
    assertThat(postAs(null, "/payments/notify/paypal", "{}").statusCode()).isEqualTo(404);
    HttpResponse<String> forgedForm = raw.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
            + "/payments/notify/alipay")).header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("notify_id=1&out_trade_no=P0&trade_status=TRADE_SUCCESS&sign=AAAA"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(forgedForm.statusCode()).isEqualTo(400);
    assertThat(forgedForm.body()).isEqualTo("failure");
    // the sandbox's payer is a hospital's tool, not anyone's
    assertThat(postAs(null, "/sandbox/payments/wechatpay/ORD-1/pay", "").statusCode()).isEqualTo(401);
    assertThat(postAs(null, "/sandbox/payments/medical-insurance/authorizations", "").statusCode()).isEqualTo(401);
  }
}
