package cn.healthcard.hub.mappings.hl7v2.datatype;

import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.ack.Hl7Error;
import cn.healthcard.hub.mappings.hl7v2.bundle.HubExtensions;
import cn.healthcard.hub.mappings.hl7v2.bundle.TransactionBuilder;
import cn.healthcard.hub.mappings.hl7v2.parse.ParsedMessage;
import cn.healthcard.hub.terminology.Terminology;
import cn.healthcard.hub.terminology.division.Divisions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.InstantType;

/**
 * Everything the mapping of one message shares: the parsed message, its sender, the
 * transaction being built, the terminology, and the content errors found so far (mapping goes
 * on after an error so the sender learns all of them at once).
 */
public final class MappingContext {

  private final ParsedMessage message;
  private final Sender sender;
  private final String controlId;
  private final String messageType;
  private final String triggerEvent;
  private final Terminology terminology;
  private final Divisions divisions;
  private final TransactionBuilder transaction;
  private final List<Hl7Error> errors = new ArrayList<>();
  private String eventTime;

  public MappingContext(
      ParsedMessage message,
      Sender sender,
      String controlId,
      String messageType,
      String triggerEvent,
      Terminology terminology) {
    this.message = message;
    this.sender = sender;
    this.controlId = controlId;
    this.messageType = messageType;
    this.triggerEvent = triggerEvent;
    this.terminology = terminology;
    this.divisions = terminology.divisions();
    this.transaction = new TransactionBuilder(sender.key(), controlId);
  }

  public ParsedMessage message() {
    return message;
  }

  public Sender sender() {
    return sender;
  }

  public String controlId() {
    return controlId;
  }

  public String messageType() {
    return messageType;
  }

  public String triggerEvent() {
    return triggerEvent;
  }

  public Terminology terminology() {
    return terminology;
  }

  public Divisions divisions() {
    return divisions;
  }

  public TransactionBuilder transaction() {
    return transaction;
  }

  public List<Hl7Error> errors() {
    return List.copyOf(errors);
  }

  public boolean hasErrors() {
    return !errors.isEmpty();
  }

  public void error(ErrorCode code, ErrorLocation where, String userMessage) {
    Hl7Error e = Hl7Error.error(code, where, userMessage);
    if (!errors.contains(e)) {
      errors.add(e);
    }
  }

  public void eventTime(String fhirDateTime) {
    this.eventTime = fhirDateTime;
  }

  public Optional<String> eventTime() {
    return Optional.ofNullable(eventTime);
  }

  /** Stamps the source event time on a resource (see {@link HubExtensions#SOURCE_EVENT_TIME}). */
  public <T extends DomainResource> T stamp(T resource) {
    if (eventTime != null) {
      resource.addExtension(HubExtensions.SOURCE_EVENT_TIME, new DateTimeType(eventTime));
    }
    return resource;
  }

  /**
   * A timestamp field as a FHIR dateTime: empty when blank; when invalid, an AE (102) at
   * {@code where} and empty.
   */
  public Optional<Timestamps.Parsed> timestamp(String value, ErrorLocation where, String fieldName) {
    if (value == null || value.isBlank()) {
      return Optional.empty();
    }
    Optional<Timestamps.Parsed> p = Timestamps.parse(value);
    if (p.isEmpty()) {
      error(ErrorCode.DATA_TYPE_ERROR, where, fieldName + " is not a valid HL7 date/time (YYYYMMDDHHMMSS[+ZZZZ])");
    }
    return p;
  }

  public Optional<DateTimeType> dateTime(String value, ErrorLocation where, String fieldName) {
    return timestamp(value, where, fieldName).map(p -> new DateTimeType(p.dateTime()));
  }

  public Optional<InstantType> instant(String value, ErrorLocation where, String fieldName) {
    return timestamp(value, where, fieldName).map(p -> new InstantType(p.instant()));
  }
}
