package cn.healthcard.hub.insurance;

import cn.healthcard.hub.insurance.supervision.PersonFacts;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Resource;

/**
 * What the insurance needs of the hub's repository and card platform; the application implements
 * it. Writes join the caller's transaction, so a ledger row and the resource that shows it commit
 * together.
 */
public interface InsuranceRepository {

  /** The person with this card number, if the repository knows them. */
  Optional<PersonFacts> person(String cardNumber);

  /** A household record ({@code Group} of kind household), if there is one with this id. */
  Optional<Household> household(String groupId);

  /** A household member: the Patient, its card number (if it has one) and whether it heads the household. */
  record HouseholdMember(String patient, Optional<String> cardNumber, boolean head) {}

  /** A household: its members, and the county of its head's address (empty when unknown). */
  record Household(String id, List<HouseholdMember> members, Optional<String> county) {}

  /** Creates the resource and answers its new id (the bare id part). */
  String create(Resource resource);

  /** Writes a new version of a resource that has an id. */
  void update(Resource resource);

  /** Reads a resource the insurance wrote (by bare id). */
  <T extends Resource> T read(Class<T> type, String id);
}
