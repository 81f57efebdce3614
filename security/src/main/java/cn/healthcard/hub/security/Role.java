package cn.healthcard.hub.security;

import java.util.Arrays;
import java.util.Optional;

/** What a client of the hub is, and so what it may do (README, "Security"). */
public enum Role {
  /** A hospital system: writes for its institution, reads patients it treats, sends HL7 v2. */
  HOSPITAL("hospital"),
  /** A clinician using a hospital system: reads records where a treatment relationship exists. */
  CLINICIAN("clinician"),
  /** A public-health agency: immunization, adverse events, MCH and chronic care in its division. */
  PUBLIC_HEALTH("public-health"),
  /** A kiosk, bank branch, service point or card window: card issuance and events for its institution. */
  CARD_ISSUER("card-issuer"),
  /** A payment channel: only the payment endpoints. */
  PAYMENT_CHANNEL("payment-channel"),
  /** Another province's hub: only the federation endpoints. */
  PEER_HUB("peer-hub"),
  /**
   * A county (or city, or the province's) insurance office: enrols households, records premiums,
   * reviews fund-supervision findings and reads the insurance records of residents of its division.
   */
  INSURER("insurer"),
  /** A resident: their own record, card and access log. */
  RESIDENT("resident"),
  /** An operator of the hub: administration, card holds, clients, the audit trail. */
  OPERATOR("operator");

  private final String code;

  Role(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  public static Optional<Role> fromCode(String code) {
    return Arrays.stream(values()).filter(r -> r.code.equals(code)).findFirst();
  }
}
