package cn.healthcard.hub.server.insurance;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.insurance.InsuranceRepository;
import cn.healthcard.hub.insurance.supervision.PersonFacts;
import cn.healthcard.hub.server.records.FamilyRecordRules;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

/** The insurance's view of the repository (HAPI's DAOs, as the hub itself) and of the card registry. */
final class FhirInsuranceRepository implements InsuranceRepository {

  private final DaoRegistry daos;
  private final CardRegistry cards;

  FhirInsuranceRepository(DaoRegistry daos, CardRegistry cards) {
    this.daos = daos;
    this.cards = cards;
  }

  @Override
  public Optional<PersonFacts> person(String cardNumber) {
    SearchParameterMap search = SearchParameterMap.newSynchronous()
        .add(Patient.SP_IDENTIFIER, new TokenParam(ResidentIdNumber.HEALTH_CARD_SYSTEM, cardNumber));
    List<Patient> found = daos.getResourceDao(Patient.class).searchForResources(search, new SystemRequestDetails())
        .stream().map(Patient.class::cast).toList();
    if (found.isEmpty()) {
      return Optional.empty();
    }
    Patient patient = found.get(0);
    Optional<LocalDate> deceased = patient.hasDeceasedDateTimeType() && patient.getDeceasedDateTimeType().hasValue()
        ? Optional.of(LocalDate.ofInstant(patient.getDeceasedDateTimeType().getValue().toInstant(), ZoneOffset.ofHours(8)))
        : Optional.empty();
    Optional<String> cardStatus = cards.current(cardNumber).map(card -> card.status().code());
    return Optional.of(new PersonFacts(patient.getIdPart(), deceased, cardStatus));
  }

  @Override
  public Optional<Household> household(String groupId) {
    Group group;
    try {
      group = daos.getResourceDao(Group.class).read(new IdType("Group", groupId), new SystemRequestDetails());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      return Optional.empty();
    }
    boolean household = group.getCode().getCoding().stream().anyMatch(c ->
        FamilyRecordRules.GROUP_KIND_SYSTEM.equals(c.getSystem()) && FamilyRecordRules.HOUSEHOLD.equals(c.getCode()));
    if (!household) {
      return Optional.empty();
    }
    List<HouseholdMember> members = new ArrayList<>();
    Optional<String> county = Optional.empty();
    for (Group.GroupMemberComponent member : group.getMember()) {
      if (member.getInactive()) {
        continue;
      }
      IdType id = new IdType(member.getEntity().getReference());
      Patient patient = daos.getResourceDao(Patient.class).read(id.toUnqualifiedVersionless(), new SystemRequestDetails());
      boolean head = member.getExtension().stream()
          .filter(e -> FamilyRecordRules.RELATIONSHIP_EXTENSION.equals(e.getUrl()) && e.getValue() instanceof Coding)
          .anyMatch(e -> FamilyRecordRules.HEAD.equals(((Coding) e.getValue()).getCode()));
      Optional<String> card = patient.getIdentifier().stream()
          .filter(i -> ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(i.getSystem()) && i.hasValue())
          .map(Identifier::getValue).findFirst();
      if (head) {
        county = patient.getAddress().stream()
            .flatMap(a -> a.getExtensionsByUrl(HubCodeSystems.ADDRESS_DIVISION_EXTENSION).stream())
            .map(e -> e.getValue() instanceof Coding c ? c.getCode() : null)
            .filter(code -> code != null && code.length() == 6).findFirst()
            // else the county the card number was issued in (its address code)
            .or(() -> card.flatMap(ResidentIdNumber::tryParse).map(ResidentIdNumber::addressCode));
      }
      members.add(new HouseholdMember(patient.getIdPart(), card, head));
    }
    return Optional.of(new Household(groupId, members, county));
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public String create(Resource resource) {
    return ((ca.uhn.fhir.jpa.api.dao.IFhirResourceDao) daos.getResourceDao(resource.getClass()))
        .create(resource, new SystemRequestDetails()).getId().getIdPart();
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void update(Resource resource) {
    ((ca.uhn.fhir.jpa.api.dao.IFhirResourceDao) daos.getResourceDao(resource.getClass()))
        .update(resource, new SystemRequestDetails());
  }

  @Override
  public <T extends Resource> T read(Class<T> type, String id) {
    return daos.getResourceDao(type).read(new IdType(type.getSimpleName(), id), new SystemRequestDetails());
  }
}
