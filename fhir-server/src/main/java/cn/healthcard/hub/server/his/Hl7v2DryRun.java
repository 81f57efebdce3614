package cn.healthcard.hub.server.his;

import ca.uhn.fhir.context.FhirContext;
import cn.healthcard.hub.mappings.hl7v2.InboundResult;
import cn.healthcard.hub.routes.his.Hl7v2Intake;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.StringType;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /admin/hl7v2/dry-run} (operators): one HL7 v2 message in the body, decoded as the
 * intake decodes it; the answer is a FHIR {@code Parameters}: {@code outcome} (AA, AE or AR, as
 * MSA-1 would say), {@code ack} (the ACK the sender would get, segments ended by CR) and, when
 * accepted, {@code transaction} (the Bundle the hub would write; the stored message itself, its
 * Binary, is added when it is stored). Nothing is recorded or stored, and the sending facility's
 * registration is not checked.
 */
@RestController
public class Hl7v2DryRun {

  private final Hl7v2Intake intake;
  private final FhirContext fhir;

  public Hl7v2DryRun(Hl7v2Intake intake, FhirContext fhir) {
    this.intake = intake;
    this.fhir = fhir;
  }

  @PostMapping(path = "/admin/hl7v2/dry-run", consumes = MediaType.ALL_VALUE)
  public ResponseEntity<String> dryRun(@RequestBody(required = false) byte[] body) {
    InboundResult result = intake.dryRun(body == null ? new byte[0] : body);
    Parameters answer = new Parameters();
    answer.addParameter().setName("outcome").setValue(new CodeType(result.ackCode().name()));
    answer.addParameter().setName("ack").setValue(new StringType(result.ack()));
    if (result instanceof InboundResult.Accepted accepted) {
      answer.addParameter().setName("messageType")
          .setValue(new StringType(accepted.messageType() + "^" + accepted.triggerEvent()));
      answer.addParameter().setName("version").setValue(new StringType(accepted.version()));
      answer.addParameter().setName("sendingFacility").setValue(new StringType(accepted.key().sendingFacility()));
      answer.addParameter().setName("transaction").setResource(accepted.mapped().transaction());
    } else if (result instanceof InboundResult.Query) {
      answer.addParameter().setName("note").setValue(new StringType(
          "a query: the hub answers it from the repository when it is sent (not in a dry run)"));
    }
    return ResponseEntity.ok()
        .contentType(MediaType.parseMediaType("application/fhir+json;charset=UTF-8"))
        .body(fhir.newJsonParser().setPrettyPrint(true).encodeResourceToString(answer));
  }
}
