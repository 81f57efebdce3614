package cn.healthcard.hub.insurance.claims;

/**
 * A claim the hub cannot settle at all (as opposed to one settled with nothing from the fund):
 * the element of the request at fault, and why.
 */
public class ClaimRefused extends RuntimeException {
  private final String element;
  private final boolean conflict;

  public ClaimRefused(String element, String message) {
    this(element, message, false);
  }

  /** @param conflict the claim clashes with one already recorded (409) rather than being invalid (422) */
  public ClaimRefused(String element, String message, boolean conflict) {
    super(message);
    this.element = element;
    this.conflict = conflict;
  }

  public String element() {
    return element;
  }

  public boolean conflict() {
    return conflict;
  }
}
