package cn.healthcard.hub.server.his;

import cn.healthcard.hub.mappings.hl7v2.MappedMessage;
import org.hl7.fhir.r4.model.Bundle;

/**
 * Told of each HL7 v2 message stored, inside the transaction that stores it (so the audit entry
 * commits with the data, or neither does).
 */
public interface HisStoreAudit {
  void stored(MappedMessage message, Bundle response);

  HisStoreAudit NONE = (message, response) -> {};
}
