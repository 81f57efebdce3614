package cn.healthcard.hub.server.bank;

import cn.healthcard.hub.mappings.bank.MalformedStatement;
import cn.healthcard.hub.routes.bank.BankStatementInbox;
import cn.healthcard.hub.routes.bank.BankStatementIntake;
import cn.healthcard.hub.routes.bank.BankStatementRoutes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.ProducerTemplate;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /bank/statements}: a camt.053 or partner-bank CSV file as the body. 202 once it is
 * recorded (its reconciliations follow from the work queue), 422 with an OperationOutcome naming
 * the line and the reason when it is not a statement the hub reads (nothing of it is kept).
 * {@code GET /bank/statements/{id}} answers its status. Operators see and replay dead letters at
 * {@code /admin/bank/...}.
 */
@RestController
public class BankStatementEndpoint {

  private final BankStatementIntake intake;
  private final JdbcBankStatementInbox inbox;
  private final ProducerTemplate producer;
  private final ca.uhn.fhir.context.FhirContext fhir;

  public BankStatementEndpoint(BankStatementIntake intake, JdbcBankStatementInbox inbox, ProducerTemplate producer,
      ca.uhn.fhir.context.FhirContext fhir) {
    this.intake = intake;
    this.inbox = inbox;
    this.producer = producer;
    this.fhir = fhir;
  }

  @PostMapping(path = "/bank/statements", consumes = MediaType.ALL_VALUE)
  public ResponseEntity<?> receive(jakarta.servlet.http.HttpServletRequest request,
      @RequestParam(name = "name", required = false) String name) throws java.io.IOException {
    // refused before it is read when it says it is too large, and read no further than the limit
    if (request.getContentLengthLong() > BankStatementIntake.MAX_BYTES) {
      return outcome(HttpStatus.PAYLOAD_TOO_LARGE, IssueType.TOOCOSTLY, 0, "the file is larger than "
          + BankStatementIntake.MAX_BYTES + " bytes");
    }
    byte[] body = request.getInputStream().readNBytes(BankStatementIntake.MAX_BYTES + 1);
    if (body.length > BankStatementIntake.MAX_BYTES) {
      return outcome(HttpStatus.PAYLOAD_TOO_LARGE, IssueType.TOOCOSTLY, 0, "the file is larger than "
          + BankStatementIntake.MAX_BYTES + " bytes");
    }
    BankStatementIntake.Accepted accepted;
    try {
      accepted = intake.receive(body, "http", name);
    } catch (MalformedStatement e) {
      return outcome(HttpStatus.UNPROCESSABLE_ENTITY, IssueType.INVALID, e.line(), e.getMessage());
    }
    if (!accepted.duplicate()) {
      producer.sendBody(BankStatementRoutes.ENQUEUE, accepted.id());
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("statement", accepted.id());
    answer.put("format", accepted.format());
    answer.put("statements", accepted.statements());
    answer.put("entries", accepted.entries());
    answer.put("duplicate", accepted.duplicate());
    answer.put("status", accepted.status().name());
    return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer);
  }

  private ResponseEntity<String> outcome(HttpStatus status, IssueType type, int line, String message) {
    OperationOutcome outcome = new OperationOutcome();
    var issue = outcome.addIssue().setSeverity(IssueSeverity.ERROR).setCode(type).setDiagnostics(message);
    if (line > 0) {
      issue.addLocation("line " + line);
    }
    return ResponseEntity.status(status).contentType(MediaType.valueOf("application/fhir+json"))
        .body(fhir.newJsonParser().encodeResourceToString(outcome));
  }

  @GetMapping("/bank/statements/{id}")
  public ResponseEntity<Map<String, Object>> status(@PathVariable long id) {
    return inbox.load(id)
        .<ResponseEntity<Map<String, Object>>>map(s -> ResponseEntity.ok(Map.of("statement", s.id(), "format", s.format(),
            "status", s.status().name())))
        .orElseGet(() -> ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no bank statement " + id)));
  }

  @GetMapping("/admin/bank/inbox")
  public Map<BankStatementInbox.Status, Long> counts() {
    return inbox.counts();
  }

  @GetMapping("/admin/bank/dead-letters")
  public List<BankStatementInbox.DeadLetter> deadLetters(@RequestParam(defaultValue = "100") int limit) {
    return inbox.deadLetters(Math.max(1, Math.min(limit, 1000)));
  }

  @PostMapping("/admin/bank/dead-letters/{id}/replay")
  public ResponseEntity<Map<String, Object>> replay(@PathVariable long id) {
    if (!inbox.requeue(id)) {
      return ResponseEntity.status(HttpStatus.NOT_FOUND).body(Map.of("error", "no dead letter " + id));
    }
    producer.sendBody(BankStatementRoutes.ENQUEUE, id);
    return ResponseEntity.ok(Map.of("replayed", List.of(id)));
  }
}
