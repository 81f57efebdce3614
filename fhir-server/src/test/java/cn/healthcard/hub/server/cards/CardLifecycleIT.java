package cn.healthcard.hub.server.cards;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.Test;

class CardLifecycleIT extends CardsIntegrationTest {

  private String activeCard() {
    String kiosk = registerInstitution("kiosk", null);
    String number = newCardNumber();
    parameters(operation("/Patient/$issue-card", issue("kiosk", person(number), kiosk, chip())));
    return number;
  }

  private String apply(String number, String event, String reason) {
    return value(parameters(operation("/Patient/$card-event", event(number, event, reason))), "status");
  }

  @Test
  void aCardGoesThroughFreezeLossFoundReplacementAndCancellation() {
    String number = activeCard();

    assertThat(apply(number, "freeze", "suspected misuse")).isEqualTo("frozen");
    assertThat(apply(number, "unfreeze", null)).isEqualTo("active");
    assertThat(apply(number, "report-lost", "lost on the bus")).isEqualTo("reported-lost");
    assertThat(apply(number, "found", null)).isEqualTo("active");
    assertThat(apply(number, "report-lost", "lost again")).isEqualTo("reported-lost");

    Parameters replace = event(number, "replace", "replacement after loss");
    String newChip = chip();
    replace.addParameter().setName("chipSerial").setValue(new StringType(newChip));
    Parameters replaced = parameters(operation("/Patient/$card-event", replace));
    assertThat(value(replaced, "status")).isEqualTo("active");
    assertThat(value(replaced, "chipSerial")).isEqualTo(newChip);

    assertThat(apply(number, "cancel", "emigration")).isEqualTo("cancelled");

    Parameters status = parameters(get("/Patient/$card-status?cardNumber=" + number));
    assertThat(value(status, "status")).isEqualTo("cancelled");
    List<String> events =
        status.getParameters("history").stream().map(h -> part(h, "event")).toList();
    assertThat(events)
        .containsExactly(
            "issue", "freeze", "unfreeze", "report-lost", "found", "report-lost", "replace", "replace", "cancel");
    ParametersParameterComponent lost = status.getParameters("history").get(3);
    assertThat(part(lost, "reason")).isEqualTo("lost on the bus");
    assertThat(part(lost, "from")).isEqualTo("active");
    assertThat(part(lost, "to")).isEqualTo("reported-lost");
    assertThat(part(status.getParameters("history").get(6), "to")).isEqualTo("replaced");
  }

  @Test
  void aFrozenCardReportedLostAndFoundIsFrozenAgain() {
    String number = activeCard();
    assertThat(apply(number, "freeze", "suspected misuse")).isEqualTo("frozen");
    assertThat(apply(number, "report-lost", "lost on the bus")).isEqualTo("reported-lost");

    assertThat(apply(number, "found", null)).isEqualTo("frozen");

    Parameters status = parameters(get("/Patient/$card-status?cardNumber=" + number));
    ParametersParameterComponent found = status.getParameters("history").get(3);
    assertThat(part(found, "event")).isEqualTo("found");
    assertThat(part(found, "to")).isEqualTo("frozen");
    OperationOutcome activate = outcome(operation("/Patient/$card-event", event(number, "activate", null)), 409);
    assertThat(activate.getIssueFirstRep().getDiagnostics()).contains("status 'frozen'");
  }

  @Test
  void anEventTheStatusDoesNotAllowIsRefusedNamingTheStatusAndTheAllowedEvents() {
    String number = activeCard();

    OperationOutcome activate = outcome(operation("/Patient/$card-event", event(number, "activate", null)), 409);
    assertThat(activate.getIssueFirstRep().getDiagnostics())
        .contains("'activate' is not allowed for a card in status 'active'")
        .contains("allowed: freeze, report-lost, replace, cancel");
    assertThat(activate.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Parameters.parameter[event]");

    OperationOutcome found = outcome(operation("/Patient/$card-event", event(number, "found", null)), 409);
    assertThat(found.getIssueFirstRep().getDiagnostics()).contains("status 'active'");

    apply(number, "cancel", "death");
    OperationOutcome afterCancel = outcome(operation("/Patient/$card-event", event(number, "unfreeze", null)), 409);
    assertThat(afterCancel.getIssueFirstRep().getDiagnostics())
        .contains("status 'cancelled'")
        .contains("none (final status)");
  }

  @Test
  void badEventRequestsGetPreciseErrors() {
    String number = activeCard();
    OperationOutcome unknownEvent = outcome(operation("/Patient/$card-event", event(number, "explode", null)), 422);
    assertThat(unknownEvent.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Parameters.parameter[event]");

    OperationOutcome platformEvent = outcome(operation("/Patient/$card-event", event(number, "produced", null)), 422);
    assertThat(platformEvent.getIssueFirstRep().getDiagnostics()).contains("unknown event 'produced'");

    OperationOutcome noReason = outcome(operation("/Patient/$card-event", event(number, "cancel", null)), 422);
    assertThat(noReason.getIssueFirstRep().getExpression().get(0).getValue()).isEqualTo("Parameters.parameter[reason]");

    OperationOutcome unknownCard = outcome(operation("/Patient/$card-event", event(newCardNumber(), "freeze", "x")), 404);
    assertThat(unknownCard.getIssueFirstRep().getDiagnostics()).contains("no card is registered");

    OperationOutcome invalidNumber = outcome(get("/Patient/$card-status?cardNumber=12345"), 422);
    assertThat(invalidNumber.getIssueFirstRep().getExpression().get(0).getValue())
        .isEqualTo("Parameters.parameter[cardNumber]");
  }

  @Test
  void aCancelledNumberCanBeIssuedANewCard() {
    String number = activeCard();
    apply(number, "cancel", "duplicate record");
    String kiosk = registerInstitution("kiosk", null);

    Parameters reissued = parameters(operation("/Patient/$issue-card", issue("kiosk", person(number), kiosk, chip())));

    assertThat(value(reissued, "status")).isEqualTo("active");
    assertThat(value(parameters(get("/Patient/$card-status?cardNumber=" + number)), "status")).isEqualTo("active");
  }

  @Test
  void replacementWithoutAChipWaitsForTheNextProductionBatch() {
    String number = activeCard();
    Parameters replaced = parameters(operation("/Patient/$card-event", event(number, "replace", "damaged chip")));
    assertThat(value(replaced, "status")).isEqualTo("approved");
    assertThat(replaced.getParameter("chipSerial")).isNull();
  }

  static String part(ParametersParameterComponent component, String name) {
    return component.getPart().stream()
        .filter(p -> p.getName().equals(name))
        .findFirst()
        .map(p -> p.getValue().primitiveValue())
        .orElse(null);
  }
}
