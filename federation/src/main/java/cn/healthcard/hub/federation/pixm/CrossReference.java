package cn.healthcard.hub.federation.pixm;

import cn.healthcard.hub.federation.pixm.PersonIdentifiers.Identifier;
import cn.healthcard.hub.federation.pixm.PersonIdentifiers.Person;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * IHE PIXm's query (ITI-83): given one identifier of a person, the person's other identifiers in
 * the systems asked for (all, when none is named). The answers PIXm prescribes: a source system
 * the hub does not know (400), a source identifier no one has (404), a target system the hub does
 * not know (403), else the identifiers found (none, when the person has none in those systems).
 */
public final class CrossReference {

  /** What the query found. */
  public sealed interface Outcome {
    /** Each person the source identifier names, with their identifiers in the target systems. */
    record Found(List<Person> people) implements Outcome {}

    record UnknownSourceSystem(String system) implements Outcome {}

    record UnknownSourceIdentifier() implements Outcome {}

    record UnknownTargetSystem(String system) implements Outcome {}
  }

  /** The systems the hub issues or records itself: known even before anyone has one. */
  private static final Set<String> HUB_SYSTEMS = Set.of(ResidentIdNumber.HEALTH_CARD_SYSTEM,
      ResidentIdNumber.ID_CARD_SYSTEM);

  private final PersonIdentifiers repository;

  public CrossReference(PersonIdentifiers repository) {
    this.repository = repository;
  }

  public Outcome query(Identifier source, List<String> targetSystems) {
    if (!known(source.system())) {
      return new Outcome.UnknownSourceSystem(source.system());
    }
    for (String target : targetSystems) {
      if (!known(target)) {
        return new Outcome.UnknownTargetSystem(target);
      }
    }
    Identifier normalised = normalise(source);
    List<Person> people = repository.withIdentifier(normalised);
    if (people.isEmpty()) {
      return new Outcome.UnknownSourceIdentifier();
    }
    List<Person> found = new ArrayList<>();
    for (Person person : people) {
      Set<Identifier> wanted = new LinkedHashSet<>();
      for (Identifier identifier : person.identifiers()) {
        if ((targetSystems.isEmpty() || targetSystems.contains(identifier.system())) && !identifier.equals(normalised)) {
          wanted.add(identifier);
        }
      }
      found.add(new Person(person.patientId(), List.copyOf(wanted)));
    }
    return new Outcome.Found(found);
  }

  private boolean known(String system) {
    return HUB_SYSTEMS.contains(system) || repository.knowsSystem(system);
  }

  /** Card and identity numbers as the hub keeps them (18 characters, upper-case X; 15-digit legacy numbers converted). */
  private static Identifier normalise(Identifier identifier) {
    if (HUB_SYSTEMS.contains(identifier.system())) {
      return ResidentIdNumber.tryParse(identifier.value()).map(n -> new Identifier(identifier.system(), n.value()))
          .orElse(identifier);
    }
    return identifier;
  }
}
