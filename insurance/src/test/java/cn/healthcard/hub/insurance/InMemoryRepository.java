package cn.healthcard.hub.insurance;

import cn.healthcard.hub.insurance.supervision.PersonFacts;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.hl7.fhir.r4.model.Resource;

/**
 * The repository side of the insurance for the module's tests: resources kept in memory by type
 * and id (the application's implementation on HAPI is what the integration tests use).
 */
final class InMemoryRepository implements InsuranceRepository {
  final Map<String, PersonFacts> people = new ConcurrentHashMap<>();
  final Map<String, Household> households = new ConcurrentHashMap<>();
  final Map<String, Resource> resources = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  @Override
  public Optional<PersonFacts> person(String cardNumber) {
    return Optional.ofNullable(people.get(cardNumber));
  }

  @Override
  public Optional<Household> household(String groupId) {
    return Optional.ofNullable(households.get(groupId));
  }

  @Override
  public String create(Resource resource) {
    String id = String.valueOf(ids.incrementAndGet());
    Resource copy = resource.copy();
    copy.setId(resource.fhirType() + "/" + id);
    resources.put(resource.fhirType() + "/" + id, copy);
    return id;
  }

  @Override
  public void update(Resource resource) {
    String key = resource.fhirType() + "/" + resource.getIdElement().getIdPart();
    if (!resources.containsKey(key)) {
      throw new IllegalStateException("no " + key);
    }
    resources.put(key, resource.copy());
  }

  @Override
  public <T extends Resource> T read(Class<T> type, String id) {
    Resource found = resources.get(type.getSimpleName() + "/" + id);
    if (found == null) {
      throw new IllegalStateException("no " + type.getSimpleName() + "/" + id);
    }
    return type.cast(found.copy());
  }

  <T extends Resource> List<T> all(Class<T> type) {
    return resources.values().stream().filter(type::isInstance).map(type::cast).toList();
  }
}
