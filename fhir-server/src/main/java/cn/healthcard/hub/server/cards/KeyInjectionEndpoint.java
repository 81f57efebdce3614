package cn.healthcard.hub.server.cards;

import cn.healthcard.hub.cards.keyinjection.KeyInjectionFrontEnd;
import cn.healthcard.hub.crypto.sm.Sm2;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The key-injection front end over HTTP (protocol: card-services
 * {@code keyinjection/PROTOCOL.md}): the card-production system posts personalization requests
 * (steps 1-4) and injection confirmations (step 6); refusals are JSON with a code and a reason.
 */
@RestController
@RequestMapping("/key-injection/v1")
public class KeyInjectionEndpoint {
  private final KeyInjectionFrontEnd frontEnd;

  public KeyInjectionEndpoint(KeyInjectionFrontEnd frontEnd) {
    this.frontEnd = frontEnd;
  }

  /** The hub's public keys a producer is configured with: encrypt to one, verify the other. */
  @GetMapping("/keys")
  public Map<String, String> keys() {
    return Map.of(
        "encryptionKey", Sm2.encodePublicKey(frontEnd.encryptionPublicKey()),
        "signingKey", Sm2.encodePublicKey(frontEnd.signingPublicKey()));
  }

  @PostMapping(value = "/personalizations", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<byte[]> personalize(@RequestBody byte[] body) {
    return answer(frontEnd.personalize(body));
  }

  @PostMapping(value = "/confirmations", produces = MediaType.APPLICATION_JSON_VALUE)
  public ResponseEntity<byte[]> confirm(@RequestBody byte[] body) {
    return answer(frontEnd.confirm(body));
  }

  private static ResponseEntity<byte[]> answer(KeyInjectionFrontEnd.JsonAnswer answer) {
    return ResponseEntity.status(answer.status()).contentType(MediaType.APPLICATION_JSON).body(answer.body());
  }
}
