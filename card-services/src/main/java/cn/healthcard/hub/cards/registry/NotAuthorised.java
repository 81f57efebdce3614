package cn.healthcard.hub.cards.registry;

/** The caller is not who it says, or may not do this (unknown institution, bad signature). */
public class NotAuthorised extends CardRegistryException {
  public NotAuthorised(String message) {
    super(message);
  }
}
