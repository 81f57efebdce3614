package cn.healthcard.hub.server.cards;

import cn.healthcard.hub.cards.institution.Institution;
import cn.healthcard.hub.cards.institution.Institutions;
import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Operators register the institutions taking part in issuance and production (bank branches,
 * kiosks, service points, card factories) with the SM2 public key their requests are signed by.
 */
@RestController
@RequestMapping("/admin/cards")
public class CardAdmin {
  private final Institutions institutions;
  private final cn.healthcard.hub.cards.national.NationalRegistrationOutbox outbox;
  private final cn.healthcard.hub.cards.hsm.Hsm hsm;
  private final cn.healthcard.hub.server.HubProperties hub;

  public CardAdmin(
      Institutions institutions,
      cn.healthcard.hub.cards.national.NationalRegistrationOutbox outbox,
      cn.healthcard.hub.cards.hsm.Hsm hsm,
      cn.healthcard.hub.server.HubProperties hub) {
    this.institutions = institutions;
    this.outbox = outbox;
    this.hsm = hsm;
    this.hub = hub;
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
            cn.healthcard.hub.cards.signing.Sm2.encodePublicKey(
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
