package cn.healthcard.hub.mappings.hl7v2;

import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Bundle;

/**
 * What one inbound message maps to: one FHIR transaction, safe to write any number of times
 * (conditional creates and conditional updates on business identifiers only), and the patient
 * merges it asks for, which the server carries out beside the transaction.
 *
 * @param key the message's sending facility and control id
 * @param messageType MSH-9.1 ({@code ADT}, {@code ORU}, {@code MDM})
 * @param triggerEvent MSH-9.2
 * @param transaction the transaction Bundle
 * @param merges for ADT^A40, one per PID/MRG pair; empty otherwise
 * @param sourceEventTime the event time stamped on every resource (EVN-2, else MSH-7) as a FHIR
 *     dateTime; see {@link cn.healthcard.hub.mappings.hl7v2.bundle.HubExtensions#SOURCE_EVENT_TIME}
 * @param doses for VXU, one per completed Immunization of the transaction, for duplicate-dose
 *     detection (see {@link DoseReport}); empty otherwise
 */
public record MappedMessage(
    MessageKey key,
    String messageType,
    String triggerEvent,
    Bundle transaction,
    List<PatientMerge> merges,
    Optional<String> sourceEventTime,
    List<DoseReport> doses) {

  public MappedMessage {
    merges = List.copyOf(merges);
    doses = List.copyOf(doses);
  }

  /** A message without doses (ADT, ORU, MDM). */
  public MappedMessage(MessageKey key, String messageType, String triggerEvent, Bundle transaction,
      List<PatientMerge> merges, Optional<String> sourceEventTime) {
    this(key, messageType, triggerEvent, transaction, merges, sourceEventTime, List.of());
  }
}
