package cn.healthcard.hub.server.bank;

import ca.uhn.fhir.jpa.api.dao.IFhirSystemDao;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import cn.healthcard.hub.routes.bank.BankStatementInbox.Status;
import cn.healthcard.hub.routes.bank.BankStatementRepository;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Meta;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A statement's reconciliations into the repository (conditional updates on each entry's
 * identifier: a statement stored again, or an overlapping one, changes nothing) and its inbox row
 * marked stored, in one transaction.
 */
public final class FhirBankStatementRepository implements BankStatementRepository {

  private final TransactionTemplate transactions;
  private final IFhirSystemDao<Bundle, Meta> systemDao;
  private final JdbcBankStatementInbox inbox;

  public FhirBankStatementRepository(TransactionTemplate transactions, IFhirSystemDao<Bundle, Meta> systemDao,
      JdbcBankStatementInbox inbox) {
    this.transactions = transactions;
    this.systemDao = systemDao;
    this.inbox = inbox;
  }

  @Override
  public boolean store(long inboxId, Bundle transaction) {
    return Boolean.TRUE.equals(transactions.execute(status -> {
      Status current = inbox.lockStatus(inboxId).orElseThrow(() -> new IllegalStateException("no bank statement " + inboxId));
      if (current != Status.RECEIVED) {
        return false;
      }
      // nested: HAPI joins this transaction, so the write and the inbox status commit together
      systemDao.transactionNested(new SystemRequestDetails(), transaction);
      inbox.markStored(inboxId);
      return true;
    }));
  }
}
