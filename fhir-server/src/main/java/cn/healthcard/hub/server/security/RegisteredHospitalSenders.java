package cn.healthcard.hub.server.security;

import cn.healthcard.hub.cards.institution.Institution;
import cn.healthcard.hub.cards.institution.Institutions;
import cn.healthcard.hub.routes.his.SenderPolicy;
import cn.healthcard.hub.cards.ca.ClientCertificates;
import cn.healthcard.hub.security.Role;
import cn.healthcard.hub.security.clients.HubClient;
import cn.healthcard.hub.security.clients.HubClients;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * HL7 v2 senders are registered hospitals: MSH-4 must be an enabled institution of kind
 * {@code hospital} of the card platform ({@code PUT /admin/cards/institutions/{id}}); plain MLLP
 * is accepted only from {@code hub.mllp.trusted-networks}; MLLP over TLS from any network, by a
 * hospital client whose Health CA certificate opened the connection and is still valid; over
 * HTTP, and over TLS, a client bound to an institution sends for that institution only.
 */
public final class RegisteredHospitalSenders implements SenderPolicy {
  public static final String KIND = "hospital";

  private final Institutions institutions;
  private final List<NetworkRange> trusted;
  private final ClientCertificates certificates;
  private final HubClients clients;

  public RegisteredHospitalSenders(
      Institutions institutions, List<String> trustedNetworks, ClientCertificates certificates, HubClients clients) {
    this.institutions = institutions;
    this.trusted = trustedNetworks.stream().map(NetworkRange::parse).toList();
    this.certificates = certificates;
    this.clients = clients;
  }

  @Override
  public Optional<String> refusal(String facility, Sender sender) {
    String bound = sender.boundInstitution();
    if ("mllp".equals(sender.channel())) {
      if (sender.clientCertificateSerial() != null) {
        Optional<HubClient> client;
        try {
          client = clients.current(certificates.stillValid(new BigInteger(sender.clientCertificateSerial())));
        } catch (ClientCertificates.Refused e) {
          return Optional.of("client certificate refused: " + e.getMessage());
        }
        if (client.isEmpty() || !client.get().enabled()) {
          return Optional.of("the certificate's client is not enabled");
        }
        if (!client.get().roles().contains(Role.HOSPITAL)) {
          return Optional.of("the certificate's client is not a hospital");
        }
        bound = client.get().institution();
      } else if (!trusted(sender.remoteAddress())) {
        return Optional.of("plain MLLP is accepted from the hub's trusted networks only");
      }
    }
    if (bound != null && !bound.equals(facility)) {
      return Optional.of("this client sends for institution " + bound + " only");
    }
    Optional<Institution> institution = institutions.find(facility);
    if (institution.isEmpty() || !KIND.equals(institution.get().kind()) || !institution.get().enabled()) {
      return Optional.of("sending facility (MSH-4) " + facility + " is not a registered hospital");
    }
    return Optional.empty();
  }

  private boolean trusted(String address) {
    if (address == null) {
      return false;
    }
    InetAddress peer;
    try {
      peer = InetAddress.getByName(address);
    } catch (UnknownHostException e) {
      return false;
    }
    return trusted.stream().anyMatch(range -> range.contains(peer));
  }

  /** An address range in CIDR notation ({@code 10.1.0.0/16}, {@code ::1}). */
  record NetworkRange(byte[] network, int prefix) {
    static NetworkRange parse(String cidr) {
      String[] parts = cidr.strip().split("/");
      try {
        byte[] address = InetAddress.getByName(parts[0]).getAddress();
        int prefix = parts.length > 1 ? Integer.parseInt(parts[1]) : address.length * 8;
        if (prefix < 0 || prefix > address.length * 8) {
          throw new IllegalArgumentException("bad prefix in " + cidr);
        }
        return new NetworkRange(address, prefix);
      } catch (UnknownHostException | NumberFormatException e) {
        throw new IllegalArgumentException("hub.mllp.trusted-networks: not an address range: " + cidr, e);
      }
    }

    boolean contains(InetAddress peer) {
      byte[] candidate = peer.getAddress();
      if (candidate.length != network.length) {
        return false;
      }
      int full = prefix / 8;
      for (int i = 0; i < full; i++) {
        if (candidate[i] != network[i]) {
          return false;
        }
      }
      int rest = prefix % 8;
      if (rest == 0) {
        return true;
      }
      int mask = (0xff << (8 - rest)) & 0xff;
      return (candidate[full] & mask) == (network[full] & mask);
    }
  }
}
