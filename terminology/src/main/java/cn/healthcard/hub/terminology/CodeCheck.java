package cn.healthcard.hub.terminology;

/** Outcome of checking one code against the hub's terminology. */
public enum CodeCheck {
  /** The code exists in a code system the hub ships in full. */
  VALID,
  /** The system is shipped in full and does not contain the code. */
  UNKNOWN_CODE,
  /** The hub knows nothing about the system. */
  UNKNOWN_SYSTEM,
  /** The system is known but not shipped (licensed or large): codes are accepted unverified. */
  NOT_SHIPPED;

  /** Whether a coding with this outcome may be stored without a not-validated flag. */
  public boolean isAcceptable() {
    return this == VALID || this == NOT_SHIPPED;
  }

  String reason(String system) {
    return switch (this) {
      case VALID -> "valid";
      case UNKNOWN_CODE -> "code not found in " + system;
      case UNKNOWN_SYSTEM -> "code system not known to the hub";
      case NOT_SHIPPED -> "code system not shipped with the hub";
    };
  }
}
