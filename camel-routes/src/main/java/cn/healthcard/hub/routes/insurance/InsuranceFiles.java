package cn.healthcard.hub.routes.insurance;

/**
 * What the insurance's file routes hand over to the application: the partner bank's answer files
 * and the county offices' enrolment rolls.
 */
public interface InsuranceFiles {

  /** A file the hub will not take, with the line at fault (1 is the header). */
  final class Refused extends RuntimeException {
    private final int line;

    public Refused(int line, String message) {
      super(message);
      this.line = line;
    }

    public int line() {
      return line;
    }
  }

  /**
   * Applies a bank answer file (once: the same file again changes nothing); answers a one-line
   * summary for the log (no personal data).
   *
   * @throws Refused when the file does not fit what the hub sent
   */
  String applyBankAnswer(byte[] content, String fileName);

  /**
   * Verifies an enrolment roll against the population register and answers the report (CSV).
   *
   * @throws Refused when the roll cannot be read
   */
  byte[] verifyRoll(byte[] content, String fileName);
}
