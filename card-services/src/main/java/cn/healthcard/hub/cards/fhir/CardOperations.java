package cn.healthcard.hub.cards.fhir;

import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Operation;
import ca.uhn.fhir.rest.annotation.OperationParam;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import cn.healthcard.hub.cards.issuance.CardHolders;
import cn.healthcard.hub.cards.issuance.CardIssuance;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardEvent;
import cn.healthcard.hub.cards.registry.CardHistoryEntry;
import cn.healthcard.hub.cards.registry.CardNotFound;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardType;
import cn.healthcard.hub.cards.registry.Channel;
import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import cn.healthcard.hub.cards.registry.NotAuthorised;
import cn.healthcard.hub.cards.registry.NumberHeldByAnotherPatient;
import cn.healthcard.hub.cards.review.BatchReviews;
import cn.healthcard.hub.cards.review.ReviewDecision;
import cn.healthcard.hub.cards.review.ReviewLevel;
import cn.healthcard.hub.cards.signing.RequestVerifier;
import cn.healthcard.hub.cards.signing.SignedRequest;
import cn.healthcard.hub.cards.verification.CardVerification;
import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.util.Date;
import java.util.Optional;
import org.hl7.fhir.r4.model.Base64BinaryType;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DateType;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Task;

/**
 * The card platform's FHIR operations on Patient and Task: issuance through the three channels,
 * lifecycle events, status with history, terminal verification, batch review, child cards.
 */
public class CardOperations {
  private final CardRegistry registry;
  private final CardIssuance issuance;
  private final BatchReviews reviews;
  private final CardVerification verification;
  private final CardHolders holders;
  private final RequestVerifier signatures;
  private final CardCallers callers;

  public CardOperations(
      CardRegistry registry,
      CardIssuance issuance,
      BatchReviews reviews,
      CardVerification verification,
      CardHolders holders,
      RequestVerifier signatures,
      CardCallers callers) {
    this.callers = callers;
    this.registry = registry;
    this.issuance = issuance;
    this.reviews = reviews;
    this.verification = verification;
    this.holders = holders;
    this.signatures = signatures;
  }

  @Operation(name = "$issue-card", type = Patient.class)
  public Parameters issueCard(
      @OperationParam(name = "channel", min = 0) CodeType channel,
      @OperationParam(name = "patient", min = 0) Patient patient,
      @OperationParam(name = "institution", min = 0) Identifier institution,
      @OperationParam(name = "chipSerial", min = 0) StringType chipSerial,
      @OperationParam(name = "cardType", min = 0) CodeType cardType,
      RequestDetails request) {
    return CardOutcomes.call(
        () -> {
          Channel resolvedChannel =
              channel == null
                  ? null
                  : Channel.fromCode(channel.getValue())
                      .orElseThrow(
                          () ->
                              new InvalidCardRequest(
                                  "Parameters.parameter[channel]",
                                  "unknown channel '" + channel.getValue() + "': bank-branch, kiosk or batch"));
          CardType type =
              cardType == null
                  ? null
                  : CardType.fromCode(cardType.getValue())
                      .orElseThrow(
                          () -> new InvalidCardRequest("Parameters.parameter[cardType]", "adult or child"));
          String signedBy = verifySignature(request);
          String issuingInstitution = institution == null ? null : institution.getValue();
          Optional<String> bound = callers.boundInstitution(request);
          if (bound.isPresent() && issuingInstitution != null && !bound.get().equals(issuingInstitution)) {
            throw new NotAuthorised("this client issues cards for institution " + bound.get() + " only");
          }
          CardIssuance.Issued issued =
              issuance.issue(
                  new CardIssuance.Request(
                      resolvedChannel,
                      patient,
                      institution == null ? null : institution.getValue(),
                      chipSerial == null ? null : chipSerial.getValue(),
                      type,
                      signedBy));
          Parameters out = cardParameters(issued.card());
          if (issued.taskId() != null) {
            out.addParameter().setName("task").setValue(new Reference("Task/" + issued.taskId()));
          }
          return out;
        });
  }

  @Operation(name = "$card-event", type = Patient.class)
  public Parameters cardEvent(
      @OperationParam(name = "cardNumber", min = 0) StringType cardNumber,
      @OperationParam(name = "event", min = 0) CodeType event,
      @OperationParam(name = "reason", min = 0) StringType reason,
      @OperationParam(name = "chipSerial", min = 0) StringType newChipSerial,
      RequestDetails request) {
    return CardOutcomes.call(
        () -> {
          String number = cardNumber(cardNumber);
          if (event == null || event.isEmpty()) {
            throw new InvalidCardRequest("Parameters.parameter[event]", "required");
          }
          CardEvent resolved =
              CardEvent.fromCode(event.getValue())
                  .filter(CardEvent::isClientEvent)
                  .orElseThrow(
                      () ->
                          new InvalidCardRequest(
                              "Parameters.parameter[event]",
                              "unknown event '"
                                  + event.getValue()
                                  + "': activate, freeze, unfreeze, report-lost, found, replace or cancel"));
          if ((resolved == CardEvent.CANCEL || resolved == CardEvent.REPORT_LOST || resolved == CardEvent.FREEZE)
              && (reason == null || reason.isEmpty())) {
            throw new InvalidCardRequest(
                "Parameters.parameter[reason]", "a reason is required for '" + resolved.code() + "'");
          }
          Optional<String> bound = callers.boundInstitution(request);
          if (bound.isPresent()) {
            Card card = registry.current(number)
                .orElseThrow(() -> new CardNotFound("no card is registered for this card number"));
            if (!bound.get().equals(card.institution())) {
              throw new NotAuthorised("this client changes cards of institution " + bound.get() + " only");
            }
          }
          Card after =
              registry.apply(
                  number,
                  resolved,
                  actor(request),
                  reason == null ? null : reason.getValue(),
                  newChipSerial == null ? null : newChipSerial.getValue());
          return cardParameters(after);
        });
  }

  @Operation(name = "$card-status", type = Patient.class, idempotent = true)
  public Parameters cardStatus(@OperationParam(name = "cardNumber", min = 0) StringType cardNumber) {
    return CardOutcomes.call(
        () -> {
          String number = cardNumber(cardNumber);
          Card card =
              registry
                  .current(number)
                  .orElseThrow(() -> new CardNotFound("no card is registered for this card number"));
          Parameters out = cardParameters(card);
          for (CardHistoryEntry entry : registry.history(number)) {
            ParametersParameterComponent history = out.addParameter().setName("history");
            history.addPart().setName("event").setValue(new CodeType(entry.event()));
            if (entry.from() != null) {
              history.addPart().setName("from").setValue(new CodeType(entry.from().code()));
            }
            history.addPart().setName("to").setValue(new CodeType(entry.to().code()));
            history.addPart().setName("at").setValue(new DateTimeType(Date.from(entry.at())));
            history.addPart().setName("actor").setValue(new StringType(entry.actor()));
            if (entry.reason() != null) {
              history.addPart().setName("reason").setValue(new StringType(entry.reason()));
            }
            history.addPart().setName("card").setValue(new StringType(entry.cardId().toString()));
          }
          return out;
        });
  }

  @Operation(name = "$verify-card", type = Patient.class)
  public Parameters verifyCard(
      @OperationParam(name = "cardNumber", min = 0) StringType cardNumber,
      @OperationParam(name = "chipSerial", min = 0) StringType chipSerial,
      @OperationParam(name = "challenge", min = 0) Base64BinaryType challenge,
      @OperationParam(name = "mac", min = 0) Base64BinaryType mac,
      @OperationParam(name = "terminal", min = 0) StringType terminal) {
    return CardOutcomes.call(
        () -> {
          CardVerification.Result result =
              verification.verify(
                  cardNumber(cardNumber),
                  chipSerial == null ? null : chipSerial.getValue(),
                  challenge == null ? null : challenge.getValue(),
                  mac == null ? null : mac.getValue(),
                  terminal == null ? null : terminal.getValue());
          Parameters out = new Parameters();
          out.addParameter().setName("genuine").setValue(new BooleanType(result.genuine()));
          out.addParameter().setName("live").setValue(new BooleanType(result.live()));
          out.addParameter().setName("outcome").setValue(new CodeType(result.outcome()));
          if (result.genuine()) {
            out.addParameter().setName("status").setValue(new CodeType(result.status().code()));
            out.addParameter().setName("patient").setValue(new Reference("Patient/" + result.patientId()));
          }
          return out;
        });
  }

  @Operation(name = "$complete-child-card", type = Patient.class)
  public Parameters completeChildCard(
      @OperationParam(name = "patient", min = 0) Reference patient,
      @OperationParam(name = "cardNumber", min = 0) StringType cardNumber,
      RequestDetails request) {
    return CardOutcomes.call(
        () -> {
          if (patient == null || !patient.hasReference()) {
            throw new InvalidCardRequest("Parameters.parameter[patient]", "a reference to the child's Patient is required");
          }
          String number = cardNumber(cardNumber);
          String patientId = new IdType(patient.getReference()).getIdPart();
          // one Patient per card number: the card would otherwise be shown on a second person
          Optional<String> holder = holders.patientWithCardNumber(number);
          if (holder.isPresent() && !holder.get().equals(patientId)) {
            throw new NumberHeldByAnotherPatient(holder.get());
          }
          Card card = registry.completeChildCard(patientId, number, actor(request));
          return cardParameters(card);
        });
  }

  @Operation(name = "$review", type = Task.class)
  public Parameters review(
      @IdParam IdType taskId,
      @OperationParam(name = "decision", min = 0) CodeType decision,
      @OperationParam(name = "level", min = 0) CodeType level,
      @OperationParam(name = "reason", min = 0) StringType reason,
      @OperationParam(name = "reviewer", min = 0) StringType reviewer,
      RequestDetails request) {
    return CardOutcomes.call(
        () -> {
          ReviewDecision resolvedDecision =
              decision == null
                  ? null
                  : ReviewDecision.fromCode(decision.getValue()).orElse(null);
          if (resolvedDecision == null) {
            throw new InvalidCardRequest("Parameters.parameter[decision]", "approve or reject");
          }
          ReviewLevel resolvedLevel =
              level == null ? null : ReviewLevel.fromCode(level.getValue()).orElse(null);
          if (resolvedLevel == null) {
            throw new InvalidCardRequest("Parameters.parameter[level]", "city or province");
          }
          BatchReviews.Outcome outcome =
              reviews.review(
                  taskId.getIdPart(),
                  resolvedLevel,
                  resolvedDecision,
                  reason == null ? null : reason.getValue(),
                  reviewer == null || reviewer.isEmpty() ? actor(request) : reviewer.getValue());
          Parameters out = cardParameters(outcome.card());
          out.addParameter().setName("review").setValue(new CodeType(outcome.state().code()));
          out.addParameter().setName("task").setValue(new Reference("Task/" + outcome.taskId()));
          return out;
        });
  }

  private String verifySignature(RequestDetails request) {
    if (request == null || request.getHeader(SignedRequest.SIGNATURE) == null) {
      return null;
    }
    String path = "/fhir/" + request.getRequestPath();
    return signatures
        .verify(request::getHeader, request.getRequestType().name(), path, request.loadRequestContents())
        .keyId();
  }

  /** Who did it: the client the access token names. */
  String actor(RequestDetails request) {
    return callers.actor(request);
  }

  static String cardNumber(StringType cardNumber) {
    if (cardNumber == null || cardNumber.isEmpty()) {
      throw new InvalidCardRequest("Parameters.parameter[cardNumber]", "required");
    }
    try {
      return ResidentIdNumber.parse(cardNumber.getValue()).value();
    } catch (InvalidResidentIdNumberException e) {
      throw new InvalidCardRequest("Parameters.parameter[cardNumber]", e.getMessage());
    }
  }

  static Parameters cardParameters(Card card) {
    Parameters out = new Parameters();
    if (card.cardNumber() != null) {
      out.addParameter().setName("cardNumber").setValue(new StringType(card.cardNumber()));
    }
    out.addParameter().setName("status").setValue(new CodeType(card.status().code()));
    if (card.patientId() != null) {
      out.addParameter().setName("patient").setValue(new Reference("Patient/" + card.patientId()));
    }
    out.addParameter().setName("card").setValue(new StringType(card.id().toString()));
    out.addParameter().setName("channel").setValue(new CodeType(card.channel().code()));
    out.addParameter().setName("cardType").setValue(new CodeType(card.type().code()));
    out.addParameter().setName("institution").setValue(new StringType(card.institution()));
    if (card.chipSerial() != null) {
      out.addParameter().setName("chipSerial").setValue(new StringType(card.chipSerial()));
    }
    if (card.issuedOn() != null) {
      out.addParameter().setName("issued").setValue(new DateType(card.issuedOn().toString()));
    }
    if (card.expiresOn() != null) {
      out.addParameter().setName("expires").setValue(new DateType(card.expiresOn().toString()));
    }
    return out;
  }

}
