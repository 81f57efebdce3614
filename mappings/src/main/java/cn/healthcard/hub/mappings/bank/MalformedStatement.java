package cn.healthcard.hub.mappings.bank;

/** A bank statement the hub refuses whole: the line of the file and the reason. */
public final class MalformedStatement extends RuntimeException {

  private final int line;

  public MalformedStatement(int line, String reason) {
    super(line > 0 ? "line " + line + ": " + reason : reason);
    this.line = line;
  }

  /** The line of the file (1-based), 0 when the fault is the file as a whole. */
  public int line() {
    return line;
  }
}
