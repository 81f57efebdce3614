package cn.healthcard.hub.cards.registry;

import java.util.List;
import java.util.stream.Collectors;

/** A request whose content is wrong; each problem names the element (FHIRPath) and the reason. */
public class InvalidCardRequest extends CardRegistryException {
  public record Problem(String expression, String message) {}

  private final List<Problem> problems;

  public InvalidCardRequest(List<Problem> problems) {
    super(problems.stream().map(p -> p.expression() + ": " + p.message()).collect(Collectors.joining("; ")));
    this.problems = List.copyOf(problems);
  }

  public InvalidCardRequest(String expression, String message) {
    this(List.of(new Problem(expression, message)));
  }

  public List<Problem> problems() {
    return problems;
  }
}
