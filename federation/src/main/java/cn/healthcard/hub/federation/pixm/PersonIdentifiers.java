package cn.healthcard.hub.federation.pixm;

import java.util.List;
import java.util.Optional;

/**
 * The port through which cross-referencing reads the repository (the application implements it on
 * the FHIR repository): which identifier systems it knows, and the person an identifier names
 * with every identifier that person has.
 */
public interface PersonIdentifiers {

  /** An identifier as FHIR writes it. */
  record Identifier(String system, String value) {
    @Override
    public String toString() {
      // the value may be a card number: never in a log line
      return "Identifier[" + system + "]";
    }
  }

  /** A person the repository holds: the Patient's logical id and all its identifiers. */
  record Person(String patientId, List<Identifier> identifiers) {
    public Person {
      identifiers = List.copyOf(identifiers);
    }
  }

  /** Whether any person in the repository has an identifier of this system (an assigning authority the hub knows). */
  boolean knowsSystem(String system);

  /** The people with this identifier (one, unless the same identifier was recorded for several). */
  List<Person> withIdentifier(Identifier identifier);

  /** The hub's own systems, known whether or not a person has one yet (card number, identity card). */
  default Optional<String> describe(String system) {
    return Optional.empty();
  }
}
