package cn.healthcard.hub.routes.his;

import cn.healthcard.hub.mappings.hl7v2.MappedMessage;

/**
 * Where mapped messages go: the FHIR repository. One call writes everything one message produced
 * and marks its inbox row stored, atomically, so a message is stored exactly once however often
 * it is delivered.
 */
public interface HisRepository {

  /**
   * Stores a mapped message for inbox row {@code inboxId}; does nothing when that row is already
   * stored.
   *
   * @return false when nothing was written because the row was already stored
   */
  boolean store(long inboxId, MappedMessage message);
}
