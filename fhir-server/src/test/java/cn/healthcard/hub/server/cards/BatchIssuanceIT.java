package cn.healthcard.hub.server.cards;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.hl7.fhir.r4.model.Attachment;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;
import org.junit.jupiter.api.Test;

class BatchIssuanceIT extends CardsIntegrationTest {

  static Parameters review(String decision, String level, String reason) {
    Parameters parameters = new Parameters();
    parameters.addParameter().setName("decision").setValue(new CodeType(decision));
    parameters.addParameter().setName("level").setValue(new CodeType(level));
    if (reason != null) {
      parameters.addParameter().setName("reason").setValue(new StringType(reason));
    }
    return parameters;
  }

  /** Applies through a service point; returns the Task reference. */
  String apply(String number) {
    String servicePoint = registerInstitution("service-point", null);
    Parameters applied = parameters(operation("/Patient/$issue-card", issue("batch", person(number), servicePoint, null)));
    assertThat(value(applied, "status")).isEqualTo("applied");
    return reference(applied, "task");
  }

  /** {@link #approved} run by another test's hub connection. */
  String approvedVia(CardsIntegrationTest test, String number) {
    String servicePoint = test.registerInstitution("service-point", null);
    Parameters applied =
        parameters(test.operation("/Patient/$issue-card", issue("batch", person(number), servicePoint, null)));
    String task = reference(applied, "task");
    parameters(test.operation("/" + task + "/$review", review("approve", "city", null)));
    return value(parameters(test.operation("/" + task + "/$review", review("approve", "province", null))), "card");
  }

  /** Applies and passes both reviews; returns the card's registry id. */
  String approved(String number) {
    String task = apply(number);
    parameters(operation("/" + task + "/$review", review("approve", "city", null)));
    Parameters approved = parameters(operation("/" + task + "/$review", review("approve", "province", null)));
    assertThat(value(approved, "status")).isEqualTo("approved");
    return value(approved, "card");
  }

  @Test
  void anApplicationPassesCityThenProvinceReviewWithItsTaskKeptInStep() {
    String number = newCardNumber();
    String task = apply(number);
    Task created = client().read().resource(Task.class).withId(task).execute();
    assertThat(created.getStatus()).isEqualTo(Task.TaskStatus.REQUESTED);
    assertThat(created.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("awaiting-city-review");
    assertThat(created.getFor().getReference()).startsWith("Patient/");
    assertThat(created.getIdElement().getIdPart()).doesNotContain(number);

    OperationOutcome early = outcome(operation("/" + task + "/$review", review("approve", "province", null)), 409);
    assertThat(early.getIssueFirstRep().getDiagnostics()).contains("needs a 'city' decision, not a 'province' one");

    Parameters city = parameters(operation("/" + task + "/$review", review("approve", "city", "documents complete")));
    assertThat(value(city, "review")).isEqualTo("awaiting-province-review");
    assertThat(value(city, "status")).isEqualTo("applied");
    assertThat(client().read().resource(Task.class).withId(task).execute().getStatus())
        .isEqualTo(Task.TaskStatus.INPROGRESS);

    Parameters province = parameters(operation("/" + task + "/$review", review("approve", "province", null)));
    assertThat(value(province, "review")).isEqualTo("approved");
    assertThat(value(province, "status")).isEqualTo("approved");
    Task done = client().read().resource(Task.class).withId(task).execute();
    assertThat(done.getStatus()).isEqualTo(Task.TaskStatus.COMPLETED);
    assertThat(done.getNote()).hasSize(2);

    OperationOutcome again = outcome(operation("/" + task + "/$review", review("reject", "province", "late")), 409);
    assertThat(again.getIssueFirstRep().getDiagnostics()).contains("already been approved");

    Parameters status = parameters(get("/Patient/$card-status?cardNumber=" + number));
    assertThat(status.getParameters("history").stream().map(h -> CardLifecycleIT.part(h, "event")).toList())
        .containsExactly("issue", "review", "approve");
  }

  @Test
  void aRejectionNeedsAReasonAndFreesTheNumber() {
    String number = newCardNumber();
    String task = apply(number);

    OperationOutcome noReason = outcome(operation("/" + task + "/$review", review("reject", "city", null)), 422);
    assertThat(noReason.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Parameters.parameter[reason]");

    Parameters rejected = parameters(operation("/" + task + "/$review", review("reject", "city", "photo missing")));
    assertThat(value(rejected, "status")).isEqualTo("rejected");
    Task taskAfter = client().read().resource(Task.class).withId(task).execute();
    assertThat(taskAfter.getStatus()).isEqualTo(Task.TaskStatus.REJECTED);
    assertThat(taskAfter.getStatusReason().getText()).isEqualTo("photo missing");

    assertThat(apply(number)).isNotEqualTo(task);
  }

  @Test
  void reviewOfAnUnknownTaskIs404AndBadDecisionsAre422() {
    outcome(operation("/Task/card-application-nope/$review", review("approve", "city", null)), 404);
    String task = apply(newCardNumber());
    OperationOutcome badLevel = outcome(operation("/" + task + "/$review", review("approve", "county", null)), 422);
    assertThat(badLevel.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Parameters.parameter[level]");
  }

  @Test
  void aProductionBatchExportsApprovedCardsAndTheFactoryResultIsAppliedOnce() {
    String number = newCardNumber();
    String cardId = approved(number);

    Parameters batch = parameters(operation("/$card-production-batch", new Parameters()));
    String batchId = value(batch, "batch");
    String file = new String(((Attachment) batch.getParameter("file").getValue()).getData(), StandardCharsets.UTF_8);
    String[] lines = file.split("\n");
    assertThat(lines[0]).isEqualTo("batch_id,card_id,card_number,card_type,name,gender,birth_date,division,service_point");
    String line = Arrays.stream(lines).filter(l -> l.contains(cardId)).findFirst().orElseThrow();
    assertThat(line).startsWith(batchId + "," + cardId + "," + number + ",adult,张三丰,");
    assertThat(value(parameters(get("/Patient/$card-status?cardNumber=" + number)), "status")).isEqualTo("in-production");

    Parameters again = parameters(get("/$card-production-file?batch=" + batchId));
    assertThat(((Attachment) again.getParameter("file").getValue()).getData()).isEqualTo(file.getBytes(StandardCharsets.UTF_8));

    String result =
        "batch_id,card_id,card_number,chip_serial,result,reason\n"
            + batchId + "," + cardId + "," + number + ",CHIP-NOT-INJECTED,ok,\n";
    Parameters notInjected = parameters(operation("/$card-production-result", resultFile(result)));
    assertThat(value(notInjected, "ignored")).isEqualTo("1");
    assertThat(CardLifecycleIT.part(notInjected.getParameters("line").get(0), "reason"))
        .isEqualTo("no confirmed key injection for this chip");

    String failure =
        "batch_id,card_id,card_number,chip_serial,result,reason\n"
            + batchId + "," + cardId + "," + number + ",,failed,\"chip defect, retry\"\n";
    Parameters failed = parameters(operation("/$card-production-result", resultFile(failure)));
    assertThat(value(failed, "failed")).isEqualTo("1");
    assertThat(value(failed, "alreadyApplied")).isEqualTo("false");
    assertThat(value(parameters(get("/Patient/$card-status?cardNumber=" + number)), "status")).isEqualTo("approved");

    Parameters resubmitted = parameters(operation("/$card-production-result", resultFile(failure)));
    assertThat(value(resubmitted, "alreadyApplied")).isEqualTo("true");
    assertThat(value(resubmitted, "failed")).isEqualTo("1");
    Parameters status = parameters(get("/Patient/$card-status?cardNumber=" + number));
    assertThat(value(status, "status")).isEqualTo("approved");
    assertThat(status.getParameters("history").stream().map(h -> CardLifecycleIT.part(h, "event")).toList())
        .containsExactly("issue", "review", "approve", "start-production", "production-failed");
  }

  @Test
  void cancellingAnAppliedCardWithdrawsItsApplicationAndNoReviewMovesItOn() {
    String number = newCardNumber();
    String task = apply(number);
    parameters(operation("/" + task + "/$review", review("approve", "city", null)));

    Parameters cancelled = parameters(operation("/Patient/$card-event", event(number, "cancel", "applicant withdrew")));
    assertThat(value(cancelled, "status")).isEqualTo("cancelled");

    Task withdrawn = client().read().resource(Task.class).withId(task).execute();
    assertThat(withdrawn.getStatus()).isEqualTo(Task.TaskStatus.CANCELLED);
    assertThat(withdrawn.getBusinessStatus().getCodingFirstRep().getCode()).isEqualTo("withdrawn");
    assertThat(withdrawn.getNote()).hasSize(1);

    OperationOutcome refused = outcome(operation("/" + task + "/$review", review("approve", "province", null)), 409);
    assertThat(refused.getIssueFirstRep().getDiagnostics())
        .isEqualTo("the card is in status 'cancelled': only a card in status 'applied' can be reviewed");
    Parameters status = parameters(get("/Patient/$card-status?cardNumber=" + number));
    assertThat(value(status, "status")).isEqualTo("cancelled");
    assertThat(status.getParameters("history").stream().map(h -> CardLifecycleIT.part(h, "event")).toList())
        .containsExactly("issue", "review", "cancel");
  }

  @Test
  void theSameResultFileSubmittedConcurrentlyIsAppliedOnceAndNeverFails() throws Exception {
    String number = newCardNumber();
    String cardId = approved(number);
    String batchId = value(parameters(operation("/$card-production-batch", new Parameters())), "batch");
    String failure =
        "batch_id,card_id,card_number,chip_serial,result,reason\n"
            + batchId + "," + cardId + "," + number + ",,failed,chip defect\n";
    int submissions = 6;
    ExecutorService pool = Executors.newFixedThreadPool(submissions);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<HttpResponse<String>>> results = new ArrayList<>();
    for (int i = 0; i < submissions; i++) {
      results.add(
          pool.submit(
              () -> {
                start.await();
                return operation("/$card-production-result", resultFile(failure));
              }));
    }
    start.countDown();
    int applied = 0;
    for (Future<HttpResponse<String>> result : results) {
      Parameters summary = parameters(result.get());
      assertThat(value(summary, "failed")).isEqualTo("1");
      applied += value(summary, "alreadyApplied").equals("false") ? 1 : 0;
    }
    pool.shutdown();

    assertThat(applied).isEqualTo(1);
    Parameters status = parameters(get("/Patient/$card-status?cardNumber=" + number));
    assertThat(status.getParameters("history").stream().map(h -> CardLifecycleIT.part(h, "event")).toList())
        .containsExactly("issue", "review", "approve", "start-production", "production-failed");
  }

  @Test
  void aResultFileWithoutTheHeaderIsRefused() {
    OperationOutcome refused = outcome(operation("/$card-production-result", resultFile("x,y\n1,2\n")), 422);
    assertThat(refused.getIssueFirstRep().getDiagnostics()).contains("header");
    Parameters limit = new Parameters();
    limit.addParameter().setName("limit").setValue(new IntegerType(0));
    outcome(operation("/$card-production-batch", limit), 422);
  }

  static Parameters resultFile(String csv) {
    Parameters parameters = new Parameters();
    parameters
        .addParameter()
        .setName("file")
        .setValue(new Attachment().setContentType("text/csv").setData(csv.getBytes(StandardCharsets.UTF_8)));
    return parameters;
  }
}
