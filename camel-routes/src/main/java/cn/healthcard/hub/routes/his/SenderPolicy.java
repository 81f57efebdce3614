package cn.healthcard.hub.routes.his;

import java.util.Optional;

/**
 * Who may send HL7 v2 to the hub: the server decides (registered hospitals, trusted networks, the
 * institution an authenticated HTTP client is bound to). A refused message gets AR with an ERR
 * naming MSH-4 and is not stored.
 */
public interface SenderPolicy {

  /**
   * @param channel {@code mllp} or {@code http}
   * @param remoteAddress the peer's IP address, when known
   * @param boundInstitution over HTTP, the institution the client's token is bound to; null when
   *     it may send for any (or over MLLP)
   * @param clientCertificateSerial over MLLP with TLS, the serial number (decimal) of the client
   *     certificate the connection was opened with; null otherwise
   */
  record Sender(String channel, String remoteAddress, String boundInstitution, String clientCertificateSerial) {
    public Sender(String channel, String remoteAddress, String boundInstitution) {
      this(channel, remoteAddress, boundInstitution, null);
    }
  }

  /** Why this sending facility may not send on this connection; empty when it may. */
  Optional<String> refusal(String sendingFacility, Sender sender);

  /** Every sender accepted (security off). */
  SenderPolicy OPEN = (facility, sender) -> Optional.empty();
}
