package cn.healthcard.hub.server.federation;

import cn.healthcard.hub.federation.peer.ClientAssertions;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** This hub's public federation key, for peers to register it (public by nature). */
@RestController
class FederationJwks {
  private final ClientAssertions assertions;

  FederationJwks(ClientAssertions assertions) {
    this.assertions = assertions;
  }

  @GetMapping(value = "/federation/jwks.json", produces = MediaType.APPLICATION_JSON_VALUE)
  public String jwks() {
    return assertions.publicJwks();
  }
}
