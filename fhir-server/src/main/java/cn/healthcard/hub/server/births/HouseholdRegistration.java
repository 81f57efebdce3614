package cn.healthcard.hub.server.births;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import cn.healthcard.hub.cards.issuance.CardHolders;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardAlreadyLive;
import cn.healthcard.hub.cards.registry.CardNotFound;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.mappings.birth.BirthReportShape;
import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Household registration by the police gives a child its resident ID number, quoting the birth
 * certificate. The number becomes the child's health-card number on its Patient (one Patient per
 * number: a number another person holds is a clash, never a second record), and the child card
 * waiting for it gets it and moves on in review and production.
 */
public class HouseholdRegistration {
  private static final Logger log = LoggerFactory.getLogger(HouseholdRegistration.class);

  /** What the police system sends. */
  public record Registration(String birthCertificate, String idNumber) {}

  /** The answer: the child's Patient and its card, if one was waiting. */
  public record Registered(String patientId, boolean alreadyRegistered, Optional<Card> card) {}

  /** Refused, with an HTTP status and a code the sender can act on; the reason quotes no number. */
  public static class Refused extends RuntimeException {
    private final int status;
    private final String code;

    public Refused(int status, String code, String reason) {
      super(reason);
      this.status = status;
      this.code = code;
    }

    public int status() {
      return status;
    }

    public String code() {
      return code;
    }
  }

  private final DaoRegistry daos;
  private final CardHolders holders;
  private final CardRegistry registry;

  public HouseholdRegistration(DaoRegistry daos, CardHolders holders, CardRegistry registry) {
    this.daos = daos;
    this.holders = holders;
    this.registry = registry;
  }

  public Registered register(Registration registration, String registeredBy) {
    if (registration.birthCertificate() == null || registration.birthCertificate().isBlank()) {
      throw new Refused(400, "missing-field", "birthCertificate is required");
    }
    ResidentIdNumber number;
    try {
      number = ResidentIdNumber.parse(registration.idNumber());
    } catch (InvalidResidentIdNumberException e) {
      throw new Refused(422, "invalid-id-number", "idNumber: " + e.getMessage());
    }
    Patient child = child(registration.birthCertificate().trim())
        .orElseThrow(() -> new Refused(404, "unknown-birth-certificate", "no child is recorded with this birth certificate"));
    String childId = child.getIdElement().getIdPart();
    checkAgainstBirthRecord(child, number);

    List<String> carried = child.getIdentifier().stream()
        .filter(i -> ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(i.getSystem()))
        .map(Identifier::getValue).toList();
    boolean already = carried.contains(number.value());
    if (!carried.isEmpty() && !already) {
      throw new Refused(409, "child-already-registered", "the child already has a different ID number");
    }
    Optional<String> holder = holders.patientWithCardNumber(number.value());
    if (holder.isPresent() && !holder.get().equals(childId)) {
      log.warn("Household registration for Patient/{}: the ID number is held by Patient/{}", childId, holder.get());
      throw new Refused(409, "id-number-clash", "the ID number belongs to another person's record (" + "Patient/"
          + holder.get() + ")");
    }
    if (!already) {
      child.addIdentifier().setSystem(ResidentIdNumber.HEALTH_CARD_SYSTEM).setValue(number.value());
      try {
        daos.getResourceDao(Patient.class).update(child, new SystemRequestDetails());
      } catch (ResourceVersionConflictException e) {
        // the unique card-number index: someone else got the number first
        throw new Refused(409, "id-number-clash", "the ID number was given to another record concurrently");
      }
    }
    Optional<Card> card;
    try {
      card = Optional.of(registry.completeChildCard(childId, number.value(), "household-registration " + registeredBy));
    } catch (CardNotFound e) {
      card = Optional.empty();
    } catch (CardAlreadyLive e) {
      throw new Refused(409, "card-already-live", "the ID number already has a live health card");
    }
    log.info("Household registration: Patient/{} has its ID number{}", childId,
        card.map(c -> ", card " + c.id() + " completed").orElse(already ? " (again)" : ""));
    return new Registered(childId, already, card);
  }

  private void checkAgainstBirthRecord(Patient child, ResidentIdNumber number) {
    if (child.hasBirthDate()) {
      LocalDate born = LocalDate.parse(child.getBirthDateElement().getValueAsString());
      if (!born.equals(number.birthDate())) {
        throw new Refused(422, "birth-date-mismatch", "the ID number encodes a birth date other than the child's");
      }
    }
    AdministrativeGender gender = child.getGender();
    boolean male = number.sex() == ResidentIdNumber.Sex.MALE;
    if ((gender == AdministrativeGender.MALE && !male) || (gender == AdministrativeGender.FEMALE && male)) {
      throw new Refused(422, "sex-mismatch", "the ID number encodes a sex other than the child's");
    }
    if (child.hasDeceased() && !(child.getDeceased() instanceof org.hl7.fhir.r4.model.BooleanType b && !b.booleanValue())) {
      throw new Refused(409, "child-deceased", "the birth certificate belongs to a child recorded as deceased");
    }
  }

  private Optional<Patient> child(String certificate) {
    SearchParameterMap map = SearchParameterMap.newSynchronous(
        "identifier", new TokenParam(BirthReportShape.BIRTH_CERTIFICATE_SYSTEM, certificate));
    List<IBaseResource> found = daos.getResourceDao(Patient.class).search(map, new SystemRequestDetails()).getResources(0, 2);
    if (found.size() > 1) {
      throw new Refused(409, "ambiguous-birth-certificate", "two records carry this birth certificate");
    }
    return found.stream().findFirst().map(Patient.class::cast);
  }
}
