package cn.healthcard.hub.cards.production;

import cn.healthcard.hub.cards.ca.HealthCa;
import cn.healthcard.hub.cards.ca.RevocationReason;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardEvent;
import cn.healthcard.hub.cards.registry.RegistryListener;
import java.math.BigInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A card's certificate follows its card: on hold while the card is reported lost (released when
 * it is found), revoked when the card is replaced (superseded) or cancelled, and revoked
 * (keyCompromise: a chip with the card's keys that will not be issued) when the chip failed
 * production, whose certificate the registry has already unbound from the card.
 */
public class CertificateRevocation implements RegistryListener {
  private static final Logger log = LoggerFactory.getLogger(CertificateRevocation.class);
  private final HealthCa ca;

  public CertificateRevocation(HealthCa ca) {
    this.ca = ca;
  }

  @Override
  public void afterCommit(Card before, Card after, CardEvent event, String reason) {
    if (before == null) {
      return;
    }
    // production-failed clears the card's certificate: the one to revoke is the failed chip's
    String certificate =
        event == CardEvent.PRODUCTION_FAILED ? before.certificateSerial() : after.certificateSerial();
    if (certificate == null) {
      return;
    }
    BigInteger serial = new BigInteger(certificate, 16);
    try {
      switch (event) {
        case REPORT_LOST -> ca.revoke(serial, RevocationReason.CERTIFICATE_HOLD);
        case FOUND -> ca.releaseHold(serial);
        case REPLACE -> ca.revoke(serial, RevocationReason.SUPERSEDED);
        case CANCEL -> ca.revoke(serial, RevocationReason.CESSATION_OF_OPERATION);
        case PRODUCTION_FAILED -> ca.revoke(serial, RevocationReason.KEY_COMPROMISE);
        default -> {}
      }
    } catch (RuntimeException e) {
      // the registry change stands; the CRL catches up when the operator re-runs revocation
      log.error("Certificate of card {} not updated after '{}': {}", after.id(), event.code(), e.getClass().getSimpleName());
    }
  }
}
