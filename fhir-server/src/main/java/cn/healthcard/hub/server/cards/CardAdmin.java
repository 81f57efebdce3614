package cn.healthcard.hub.server.cards;

import cn.healthcard.hub.cards.institution.Institution;
import cn.healthcard.hub.cards.institution.Institutions;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardEvent;
import cn.healthcard.hub.cards.registry.CardNotFound;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardRegistryException;
import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators register the institutions taking part in issuance and production (bank branches,
 * kiosks, service points, card factories) with the SM2 public key their requests are signed by,
 * see where the national registry link stands, and release cards held for a national conflict.
 */
@RestController
@RequestMapping("/admin/cards")
public class CardAdmin {
  /** Who the operator is, recorded as the actor of an operator action. */

  private final Institutions institutions;
  private final cn.healthcard.hub.cards.national.NationalRegistrationOutbox outbox;
  private final cn.healthcard.hub.cards.hsm.Hsm hsm;
  private final cn.healthcard.hub.server.HubProperties hub;
  private final CardRegistry registry;

  public CardAdmin(
      Institutions institutions,
      cn.healthcard.hub.cards.national.NationalRegistrationOutbox outbox,
      cn.healthcard.hub.cards.hsm.Hsm hsm,
      cn.healthcard.hub.server.HubProperties hub,
      CardRegistry registry) {
    this.institutions = institutions;
    this.outbox = outbox;
    this.hsm = hsm;
    this.hub = hub;
    this.registry = registry;
  }

  /** The card number travels in the body: never in a URL, where access logs would keep it. */
  public record ReleaseHoldBody(String cardNumber, String reason) {}

  /**
   * Releases a card the national registry's conflict put on hold, back to the status it was held
   * from, and asks the national registry again (its conflicting registration is requeued in the
   * same transaction). The reason is required; the operator is the client of the access token.
   * Answers 200 with the card's id and status, 404 for an unknown number, 409 when the card is
   * not on hold, 422 for a bad number or a missing reason.
   */
  @PostMapping("/release-hold")
  public ResponseEntity<Map<String, Object>> releaseHold(
      @RequestBody(required = false) ReleaseHoldBody body) {
    String number;
    try {
      number = ResidentIdNumber.parse(body == null ? null : body.cardNumber()).value();
    } catch (InvalidResidentIdNumberException e) {
      return error(422, "cardNumber", e.getMessage());
    }
    if (body == null || body.reason() == null || body.reason().isBlank()) {
      return error(422, "reason", "an operator releasing a hold must give the reason");
    }
    String actor = "operator " + cn.healthcard.hub.security.Callers.current()
        .map(cn.healthcard.hub.security.Caller::actor).orElse("(security off)");
    try {
      Card released = registry.apply(number, CardEvent.RELEASE_HOLD, actor, body.reason().trim(), null);
      return ResponseEntity.ok(
          Map.of(
              "card", released.id().toString(),
              "status", released.status().code(),
              "national", "registration requeued"));
    } catch (CardNotFound e) {
      return error(404, "cardNumber", e.getMessage());
    } catch (CardRegistryException e) {
      // not on hold: the message names the card's status and the events it allows
      return error(409, "cardNumber", e.getMessage());
    }
  }

  private static ResponseEntity<Map<String, Object>> error(int status, String field, String message) {
    return ResponseEntity.status(status).body(Map.of("error", field + ": " + message));
  }

  /**
   * The province's side of the national registry link: the key id and public key to give the
   * national system, and where the outbox stands (pending, retrying, done, conflict, failed).
   */
  @GetMapping("/national")
  public Map<String, Object> national() throws java.sql.SQLException {
    var national = hub.cards().national();
    return Map.of(
        "configured", national.url() != null && !national.url().isBlank(),
        "provinceCode", national.provinceCode(),
        "keyId", national.keyId(),
        "publicKey",
            cn.healthcard.hub.crypto.sm.Sm2.encodePublicKey(
                hsm.ensureSigningKey(NationalRegistryConfiguration.PROVINCE_KEY_ALIAS)),
        "outbox", outbox.counts());
  }

  @GetMapping("/institutions")
  public List<Institution> institutions() {
    return institutions.all();
  }

  public record InstitutionBody(String kind, String name, String division, String publicKey, Boolean enabled) {}

  @PutMapping("/institutions/{id}")
  public ResponseEntity<?> save(@PathVariable String id, @RequestBody InstitutionBody body) {
    try {
      return ResponseEntity.ok(
          institutions.save(
              new Institution(
                  id,
                  body.kind(),
                  body.name() == null ? id : body.name(),
                  body.division(),
                  body.publicKey(),
                  body.enabled() == null || body.enabled())));
    } catch (InvalidCardRequest e) {
      return ResponseEntity.unprocessableEntity().body(Map.of("error", e.getMessage()));
    } catch (IllegalArgumentException e) {
      return ResponseEntity.unprocessableEntity().body(Map.of("error", "publicKey: " + e.getMessage()));
    }
  }
}
