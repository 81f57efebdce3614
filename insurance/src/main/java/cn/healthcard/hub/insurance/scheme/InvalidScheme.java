package cn.healthcard.hub.insurance.scheme;

import java.util.List;

/** A scheme document the hub will not load, with every problem found and where (JSON pointer). */
public class InvalidScheme extends RuntimeException {

  public record Problem(String path, String message) {}

  private final List<Problem> problems;

  public InvalidScheme(List<Problem> problems) {
    super(problems.isEmpty() ? "invalid scheme" : problems.get(0).path() + ": " + problems.get(0).message()
        + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : ""));
    this.problems = List.copyOf(problems);
  }

  public List<Problem> problems() {
    return problems;
  }
}
