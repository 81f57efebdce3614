package cn.healthcard.hub.federation.peer;

import org.hl7.fhir.r4.model.OperationOutcome.IssueType;

/** Why a peer's part is missing from a federated answer (reported there, never a silent gap). */
public final class PeerFailure extends Exception {
  private static final long serialVersionUID = 1L;
  private final IssueType type;

  public PeerFailure(IssueType type, String message) {
    super(message);
    this.type = type;
  }

  public IssueType type() {
    return type;
  }
}
