package cn.healthcard.hub.federation.peer;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.OperationOutcome.IssueType;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/**
 * A person's record at every peer hub at once: each peer is asked in parallel whether it knows
 * the identifier (PIXm), then for everything it holds on the Patients it named. A peer's answer
 * is believed only if every Patient in it is one PIXm named and carries the identifier asked for:
 * a peer that answers with another person's record is refused and reported. Each peer has its own
 * deadline; one that is slow, down or refusing becomes a reported gap, never a wait beyond it.
 */
public final class FederatedRead {

  /**
   * One peer's part: its resources (empty when it knows no one by the identifier, or failed), and
   * the failure when there was one.
   */
  public record PeerAnswer(PeerHub peer, List<Resource> resources, PeerFailure failure) {
    public PeerAnswer {
      resources = List.copyOf(resources);
    }
  }

  private final PeerClient client;
  private final List<PeerHub> peers;
  private final Executor executor;
  private final Clock clock;

  public FederatedRead(PeerClient client, List<PeerHub> peers, Executor executor, Clock clock) {
    this.client = client;
    this.peers = List.copyOf(peers);
    this.executor = executor;
    this.clock = clock;
  }

  public List<PeerHub> peers() {
    return peers;
  }

  /** Asks every peer for everything; the future completes when the last one answered or ran out of time. */
  public CompletableFuture<List<PeerAnswer>> ask(String system, String value) {
    return ask(system, value, List.of());
  }

  /**
   * Asks every peer for the person's resources of these types (all when empty); the future
   * completes when the last one answered or ran out of time.
   */
  public CompletableFuture<List<PeerAnswer>> ask(String system, String value, List<String> types) {
    Instant now = clock.instant();
    List<CompletableFuture<PeerAnswer>> asked = new ArrayList<>();
    for (PeerHub peer : peers) {
      Instant deadline = now.plus(peer.timeout());
      asked.add(CompletableFuture.supplyAsync(() -> askOne(peer, system, value, types, deadline), executor));
    }
    return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
        .thenApply(done -> asked.stream().map(CompletableFuture::join).toList());
  }

  PeerAnswer askOne(PeerHub peer, String system, String value, List<String> types, Instant deadline) {
    try {
      List<String> ids = client.pix(peer, system, value, deadline);
      List<Resource> resources = new ArrayList<>();
      for (String id : ids) {
        resources.addAll(client.everything(peer, id, types, deadline));
      }
      verify(peer, Set.copyOf(ids), resources, system, value);
      if (!types.isEmpty()) {
        // the Patient came along to show whose record it is; it is answered only when asked for
        resources.removeIf(r -> !types.contains(r.fhirType()));
      }
      return new PeerAnswer(peer, resources, null);
    } catch (PeerFailure failure) {
      return new PeerAnswer(peer, List.of(), failure);
    } catch (RuntimeException e) {
      return new PeerAnswer(peer, List.of(), new PeerFailure(IssueType.EXCEPTION, "peer " + peer.code()
          + "'s answer could not be read (" + e.getClass().getSimpleName() + ")"));
    }
  }

  /** Every Patient in the answer is one PIXm named and carries the identifier; at least one is there. */
  static void verify(PeerHub peer, Set<String> named, List<Resource> resources, String system, String value)
      throws PeerFailure {
    if (named.isEmpty()) {
      return;
    }
    int patients = 0;
    for (Resource resource : resources) {
      if (resource instanceof Patient patient) {
        patients++;
        boolean carries = false;
        for (Identifier identifier : patient.getIdentifier()) {
          carries |= system.equals(identifier.getSystem()) && value.equalsIgnoreCase(identifier.getValue());
        }
        if (!carries || !named.contains(patient.getIdElement().getIdPart())) {
          throw new PeerFailure(IssueType.PROCESSING, "peer " + peer.code()
              + " answered with another person's record for this identifier; its answer was refused");
        }
      }
    }
    if (patients == 0) {
      throw new PeerFailure(IssueType.PROCESSING, "peer " + peer.code()
          + " answered without the person's Patient; its answer was refused");
    }
  }
}
