package cn.healthcard.hub.cards.issuance;

import cn.healthcard.hub.cards.institution.Institution;
import cn.healthcard.hub.cards.institution.Institutions;
import cn.healthcard.hub.cards.registry.Card;
import cn.healthcard.hub.cards.registry.CardRegistry;
import cn.healthcard.hub.cards.registry.CardStatus;
import cn.healthcard.hub.cards.registry.CardType;
import cn.healthcard.hub.cards.registry.Channel;
import cn.healthcard.hub.cards.registry.InvalidCardRequest;
import cn.healthcard.hub.cards.registry.InvalidCardRequest.Problem;
import cn.healthcard.hub.cards.registry.NewCard;
import cn.healthcard.hub.cards.registry.NotAuthorised;
import cn.healthcard.hub.cards.review.BatchReviews;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.division.DivisionResolution;
import cn.healthcard.hub.terminology.division.Divisions;
import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Address;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Enumerations.AdministrativeGender;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * Issuance through the three channels. Bank branches and kiosks issue on the spot (the card is
 * handed over active, with its chip); batch applications enter review. Every channel checks the
 * identity data the same way: a valid card number, and name, sex and birth date consistent with
 * it; the number's address code must be a GB/T 2260 division (current or retired).
 */
public class CardIssuance {
  static final String PATIENT = "Parameters.parameter[patient].resource";
  static final String ADDRESS_DIVISION = HubCodeSystems.ADDRESS_DIVISION_EXTENSION;
  /** A resident health card is valid for ten years from issue. */
  public static final int VALIDITY_YEARS = 10;
  /** Days (issue, expiry) are days in the province. */
  public static final ZoneId PROVINCE_ZONE = ZoneId.of("Asia/Shanghai");

  private final CardRegistry registry;
  private final Institutions institutions;
  private final CardHolders holders;
  private final BatchReviews reviews;
  private final Divisions divisions;
  private final Clock clock;

  public CardIssuance(
      CardRegistry registry,
      Institutions institutions,
      CardHolders holders,
      BatchReviews reviews,
      Divisions divisions,
      Clock clock) {
    this.registry = registry;
    this.institutions = institutions;
    this.holders = holders;
    this.reviews = reviews;
    this.divisions = divisions;
    this.clock = clock;
  }

  /**
   * @param signedBy the key id a verified request signature belongs to; null when unsigned
   */
  public record Request(
      Channel channel,
      Patient patient,
      String institutionId,
      String chipSerial,
      CardType cardType,
      String signedBy) {}

  /** @param taskId the review Task of a batch application; null otherwise */
  public record Issued(Card card, String taskId) {}

  public Issued issue(Request request) {
    Institution institution = authorise(request);
    List<Problem> problems = new ArrayList<>();
    Patient patient = request.patient();
    if (patient == null) {
      throw new InvalidCardRequest("Parameters.parameter[patient]", "a Patient resource is required");
    }
    CardType type = request.cardType() == null ? CardType.ADULT : request.cardType();
    Optional<ResidentIdNumber> number = cardNumber(patient, problems);
    if (number.isEmpty() && problems.isEmpty()) {
      if (type == CardType.CHILD && request.channel() == Channel.BATCH) {
        // a child card applied for from a birth record: the number comes with household registration
      } else {
        problems.add(
            new Problem(
                PATIENT + ".identifier",
                "the card number (identifier with system " + ResidentIdNumber.HEALTH_CARD_SYSTEM + ") is required"));
      }
    }
    number.ifPresent(n -> checkDemographics(n, patient, request.channel(), problems));
    boolean onTheSpot = request.channel() != Channel.BATCH;
    if (onTheSpot && (request.chipSerial() == null || request.chipSerial().isBlank())) {
      problems.add(
          new Problem(
              "Parameters.parameter[chipSerial]",
              "a card issued on the spot needs the serial of the chip handed over"));
    }
    if (!problems.isEmpty()) {
      throw new InvalidCardRequest(problems);
    }
    String patientId = holders.ensurePatient(patient);
    LocalDate today = LocalDate.now(clock.withZone(PROVINCE_ZONE));
    NewCard card =
        new NewCard(
            number.map(ResidentIdNumber::value).orElse(null),
            patientId,
            type,
            request.channel(),
            institution.id(),
            division(patient, number),
            onTheSpot ? CardStatus.ACTIVE : CardStatus.APPLIED,
            onTheSpot ? request.chipSerial().trim() : null,
            onTheSpot ? today : null,
            onTheSpot ? today.plusYears(VALIDITY_YEARS) : null,
            institution.id(),
            onTheSpot ? "issued on the spot" : "batch application");
    if (onTheSpot) {
      return new Issued(registry.issue(card), null);
    }
    String taskId = BatchReviews.newTaskId();
    Card issued =
        registry.issue(card, (tx, applied) -> reviews.submit(tx, applied, taskId, institution.id()));
    return new Issued(issued, taskId);
  }

  private Institution authorise(Request request) {
    if (request.channel() == null) {
      throw new InvalidCardRequest(
          "Parameters.parameter[channel]", "required: bank-branch, kiosk or batch");
    }
    if (request.institutionId() == null || request.institutionId().isBlank()) {
      throw new InvalidCardRequest(
          "Parameters.parameter[institution]", "the issuing institution's identifier is required");
    }
    Institution institution =
        institutions
            .find(request.institutionId())
            .filter(Institution::enabled)
            .orElseThrow(() -> new NotAuthorised("institution " + request.institutionId() + " is not registered for card issuance"));
    String expectedKind =
        switch (request.channel()) {
          case BANK_BRANCH -> "bank-branch";
          case KIOSK -> "kiosk";
          case BATCH -> "service-point";
        };
    if (!expectedKind.equals(institution.kind())) {
      throw new NotAuthorised(
          "institution " + institution.id() + " is a " + institution.kind() + ", not a " + expectedKind);
    }
    // a bank's back office always signs; any institution that registered a key must sign with it
    boolean mustSign = request.channel() == Channel.BANK_BRANCH || institution.publicKey() != null;
    if (mustSign && !institution.id().equals(request.signedBy())) {
      throw new NotAuthorised(
          request.signedBy() == null
              ? "this channel needs a request signed by the institution's key"
              : "the request is signed by " + request.signedBy() + ", not by " + institution.id());
    }
    return institution;
  }

  private static Optional<ResidentIdNumber> cardNumber(Patient patient, List<Problem> problems) {
    List<Identifier> identifiers = patient.getIdentifier();
    for (int i = 0; i < identifiers.size(); i++) {
      Identifier identifier = identifiers.get(i);
      if (ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(identifier.getSystem())) {
        try {
          return Optional.of(ResidentIdNumber.parse(identifier.getValue()));
        } catch (InvalidResidentIdNumberException e) {
          problems.add(new Problem(PATIENT + ".identifier[" + i + "].value", e.getMessage()));
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private void checkDemographics(
      ResidentIdNumber number, Patient patient, Channel channel, List<Problem> problems) {
    if (divisions.resolveCardNumber(number).match() == DivisionResolution.Match.UNKNOWN) {
      problems.add(
          new Problem(
              PATIENT + ".identifier",
              "the card number's address code is not a GB/T 2260 division"));
    }
    if (patient.hasBirthDate()) {
      // the day as written: converting through an instant would depend on the JVM's time zone
      var birth = patient.getBirthDateElement();
      LocalDate stated = LocalDate.of(birth.getYear(), birth.getMonth() + 1, birth.getDay());
      if (patient.getBirthDateElement().getPrecision() == ca.uhn.fhir.model.api.TemporalPrecisionEnum.DAY
          && !stated.equals(number.birthDate())) {
        problems.add(
            new Problem(PATIENT + ".birthDate", "contradicts the birth date the card number encodes"));
      }
    }
    if (patient.hasGender()) {
      AdministrativeGender expected =
          number.sex() == ResidentIdNumber.Sex.MALE ? AdministrativeGender.MALE : AdministrativeGender.FEMALE;
      if (patient.getGender() != expected
          && patient.getGender() != AdministrativeGender.UNKNOWN
          && patient.getGender() != AdministrativeGender.OTHER) {
        problems.add(new Problem(PATIENT + ".gender", "contradicts the sex the card number encodes"));
      }
    }
    if (channel != Channel.BATCH && !patient.hasName()) {
      problems.add(new Problem(PATIENT + ".name", "the name read from the ID card is required"));
    }
  }

  /** Residence division for statistics: the address's division, else the card number's. */
  private String division(Patient patient, Optional<ResidentIdNumber> number) {
    for (Address address : patient.getAddress()) {
      Extension extension = address.getExtensionByUrl(ADDRESS_DIVISION);
      if (extension != null && extension.getValue() instanceof Coding coding && coding.hasCode()) {
        String code = coding.getCode();
        if (divisions.find(code).isPresent()) {
          return code;
        }
      }
    }
    return number
        .map(divisions::resolveCardNumber)
        .flatMap(DivisionResolution::division)
        .map(d -> d.code())
        .orElse(null);
  }
}
