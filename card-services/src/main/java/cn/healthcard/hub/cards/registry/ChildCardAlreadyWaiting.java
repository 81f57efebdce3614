package cn.healthcard.hub.cards.registry;

/** A second child card without an ID number for a Patient that already has one waiting. */
public class ChildCardAlreadyWaiting extends CardRegistryException {
  public ChildCardAlreadyWaiting() {
    super(
        "this Patient already has a child card waiting for its ID number; complete it with"
            + " $complete-child-card or cancel it first");
  }
}
