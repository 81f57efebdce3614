package cn.healthcard.hub.insurance.bank;

/** A bank answer file the hub will not apply, with the line at fault (1 is the header). */
public class MalformedBankFile extends RuntimeException {
  private final int line;

  public MalformedBankFile(int line, String message) {
    super("line " + line + ": " + message);
    this.line = line;
  }

  public int line() {
    return line;
  }
}
