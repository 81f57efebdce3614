package cn.healthcard.hub.insurance.enrolment;

/** An enrolment the scheme does not take, and the element of the request that is the reason. */
public class EnrolmentRefused extends RuntimeException {
  private final String element;

  public EnrolmentRefused(String element, String message) {
    super(message);
    this.element = element;
  }

  public String element() {
    return element;
  }
}
