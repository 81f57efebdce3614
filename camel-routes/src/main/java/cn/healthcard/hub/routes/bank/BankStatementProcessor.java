package cn.healthcard.hub.routes.bank;

import cn.healthcard.hub.mappings.bank.BankStatementToReconciliation;
import cn.healthcard.hub.routes.bank.BankStatementInbox.Status;
import cn.healthcard.hub.routes.bank.BankStatementInbox.StoredStatement;
import cn.healthcard.hub.routes.his.HisProcessor;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processing half: one recorded statement to the repository. The mapping is pure, so it runs
 * again from the stored bytes; the write and the status change are one transaction.
 */
public final class BankStatementProcessor {

  private static final Logger log = LoggerFactory.getLogger(BankStatementProcessor.class);

  private final BankStatementInbox inbox;
  private final BankStatementRepository repository;

  public BankStatementProcessor(BankStatementInbox inbox, BankStatementRepository repository) {
    this.inbox = inbox;
    this.repository = repository;
  }

  public void process(long id) {
    Optional<StoredStatement> found = inbox.load(id);
    if (found.isEmpty() || found.get().status() != Status.RECEIVED) {
      return;
    }
    StoredStatement statement = found.get();
    var transaction = BankStatementToReconciliation.map(statement.raw());
    if (repository.store(id, transaction)) {
      log.info("Bank statement {} ({}, {}) stored: {} reconciliations", id, statement.format(), statement.source(),
          transaction.getEntry().size());
    }
  }

  /** Dead letter after the retries are spent; the reason names the failure, not the file's content. */
  public void deadLetter(long id, Throwable cause) {
    inbox.markFailed(id, cause == null ? "unknown" : HisProcessor.reason(cause));
    log.warn("Bank statement {} is a dead letter ({})", id, cause == null ? "unknown" : cause.getClass().getSimpleName());
  }
}
