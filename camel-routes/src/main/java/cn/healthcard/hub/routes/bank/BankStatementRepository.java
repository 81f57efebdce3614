package cn.healthcard.hub.routes.bank;

import org.hl7.fhir.r4.model.Bundle;

/**
 * Where a statement's reconciliations go: the FHIR repository. One call writes them and marks the
 * inbox row stored, atomically, so a statement is stored once however often it is delivered.
 */
public interface BankStatementRepository {

  /** @return false when nothing was written because the row was already stored */
  boolean store(long inboxId, Bundle transaction);
}
