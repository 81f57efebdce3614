package cn.healthcard.hub.insurance;

import cn.healthcard.hub.insurance.adjudication.Adjudication;
import cn.healthcard.hub.insurance.adjudication.Adjudicator;
import cn.healthcard.hub.insurance.adjudication.ClaimToAdjudicate;
import cn.healthcard.hub.insurance.adjudication.Reason;
import cn.healthcard.hub.insurance.adjudication.Usage;
import cn.healthcard.hub.insurance.claims.ClaimLedger;
import cn.healthcard.hub.insurance.claims.ClaimRefused;
import cn.healthcard.hub.insurance.claims.SettledClaim;
import cn.healthcard.hub.insurance.claims.SubmittedClaim;
import cn.healthcard.hub.insurance.enrolment.Enrolment;
import cn.healthcard.hub.insurance.enrolment.EnrolmentKind;
import cn.healthcard.hub.insurance.enrolment.EnrolmentRefused;
import cn.healthcard.hub.insurance.enrolment.Enrolments;
import cn.healthcard.hub.insurance.enrolment.Premium;
import cn.healthcard.hub.insurance.fhir.ClaimFromFhir;
import cn.healthcard.hub.insurance.fhir.EnrolmentToFhir;
import cn.healthcard.hub.insurance.fhir.FindingToFhir;
import cn.healthcard.hub.insurance.fhir.InsuranceCodes;
import cn.healthcard.hub.insurance.fhir.SettlementToFhir;
import cn.healthcard.hub.insurance.scheme.Provider;
import cn.healthcard.hub.insurance.scheme.Providers;
import cn.healthcard.hub.insurance.scheme.Scheme;
import cn.healthcard.hub.insurance.scheme.Schemes;
import cn.healthcard.hub.insurance.supervision.Finding;
import cn.healthcard.hub.insurance.supervision.FindingStatus;
import cn.healthcard.hub.insurance.supervision.Findings;
import cn.healthcard.hub.insurance.supervision.FundSupervision;
import cn.healthcard.hub.insurance.supervision.PersonFacts;
import cn.healthcard.hub.insurance.supervision.StoredFinding;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hl7.fhir.r4.model.Claim;
import org.hl7.fhir.r4.model.ClaimResponse;
import org.hl7.fhir.r4.model.Coverage;
import org.hl7.fhir.r4.model.DetectedIssue;
import org.hl7.fhir.r4.model.ExplanationOfBenefit;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Invoice;
import org.hl7.fhir.r4.model.Task;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * NCMS on the card: schemes, enrolment and premiums, eligibility, settlement of hospital claims
 * at discharge (the patient pays only their share), reversal, and fund supervision with its
 * review. Every change is one transaction holding the ledger rows and the FHIR resources that show
 * them.
 */
public class Insurance {


  private final TransactionTemplate transactions;
  private final Clock clock;
  private final InsuranceRepository repository;
  private final Schemes schemes;
  private final Providers providers;
  private final Enrolments enrolments;
  private final ClaimLedger ledger;
  private final Findings findings;
  private final cn.healthcard.hub.insurance.supervision.CostStatistics costs;

  public Insurance(JdbcClient jdbc, TransactionTemplate transactions, Clock clock, InsuranceRepository repository) {
    this.transactions = transactions;
    this.clock = clock;
    this.repository = repository;
    this.schemes = new Schemes(jdbc, clock);
    this.providers = new Providers(jdbc, clock);
    this.enrolments = new Enrolments(jdbc, clock);
    this.ledger = new ClaimLedger(jdbc);
    this.findings = new Findings(jdbc);
    this.costs = new cn.healthcard.hub.insurance.supervision.CostStatistics(jdbc, clock);
  }

  public cn.healthcard.hub.insurance.supervision.CostStatistics costs() {
    return costs;
  }

  public Schemes schemes() {
    return schemes;
  }

  public Providers providers() {
    return providers;
  }

  public ClaimLedger ledger() {
    return ledger;
  }

  public Enrolments enrolments() {
    return enrolments;
  }

  public Findings findings() {
    return findings;
  }

  /** Loads a scheme document as its county and year's next version, shown as an InsurancePlan. */
  public Scheme loadScheme(String json, String actor) {
    return transactions.execute(tx -> {
      Scheme scheme = schemes.load(json, actor);
      repository.create(EnrolmentToFhir.plan(scheme));
      return scheme;
    });
  }

  public Provider putProvider(Provider provider) {
    return providers.put(provider);
  }

  /** What an enrolment made: the premium and its Invoice, each member's enrolment and Coverage. */
  public record Enrolled(Scheme scheme, Premium premium, String invoice, List<Enrolment> enrolments) {}

  /**
   * Enrols a household's members who are not yet enrolled for the year (the head pays for them).
   *
   * @throws EnrolmentRefused naming the element at fault
   */
  public Enrolled enrol(String householdId, Optional<Integer> year, EnrolmentKind kind, String actor) {
    return enrol(householdId, year, kind, actor, Optional.empty());
  }

  /** @param division the acting office's division (empty: anywhere) */
  public Enrolled enrol(String householdId, Optional<Integer> year, EnrolmentKind kind, String actor,
      Optional<String> division) {
    return transactions.execute(tx -> {
      InsuranceRepository.Household household = repository.household(householdId)
          .orElseThrow(() -> new EnrolmentRefused("household", "no household record Group/" + householdId));
      String county = household.county().orElseThrow(() -> new EnrolmentRefused("household",
          "the head of household's address has no county (address-division): the scheme cannot be chosen"));
      OutsideDivision.check(division, county, "household Group/" + householdId);
      int schemeYear = year.orElse(LocalDate.now(clock.withZone(Enrolments.CHINA)).getYear());
      Scheme scheme = schemes.current(county, schemeYear).orElseThrow(() -> new EnrolmentRefused("year",
          "no scheme is loaded for county " + county + " and year " + schemeYear));
      String head = household.members().stream().filter(InsuranceRepository.HouseholdMember::head)
          .map(InsuranceRepository.HouseholdMember::patient).findFirst()
          .orElseThrow(() -> new EnrolmentRefused("household", "the household has no head"));
      List<Enrolments.Member> members = new ArrayList<>();
      for (InsuranceRepository.HouseholdMember m : household.members()) {
        String card = m.cardNumber().orElseThrow(() -> new EnrolmentRefused("household",
            "household member Patient/" + m.patient() + " has no card number: enrolment is by card"));
        if (enrolments.holding(card, schemeYear).filter(e -> e.household().equals(householdId)).isEmpty()) {
          members.add(new Enrolments.Member(card, m.patient(), m.head()));
        }
      }
      if (members.isEmpty()) {
        throw new EnrolmentRefused("household", "every member of Group/" + householdId + " is already enrolled for "
            + schemeYear);
      }
      Enrolments.Enrolled made = enrolments.enrol(scheme, householdId, members, kind, actor);
      String invoice = repository.create(EnrolmentToFhir.invoice(scheme, made.premium(), householdId, head,
          made.enrolments()));
      enrolments.recordInvoice(made.premium().id(), invoice);
      List<Enrolment> withCoverage = new ArrayList<>();
      for (Enrolment e : made.enrolments()) {
        String coverage = repository.create(EnrolmentToFhir.coverage(scheme, e, head));
        enrolments.recordCoverage(e.id(), coverage);
        withCoverage.add(enrolments.byId(e.id()).orElseThrow());
      }
      return new Enrolled(scheme, enrolments.premium(made.premium().id()).orElseThrow(), invoice, withCoverage);
    });
  }

  /**
   * A payment of an Invoice was made (the payment platform, or the bank's deduction): when the
   * Invoice is a premium, its members' coverage starts. Joins the payment's transaction.
   *
   * @return the enrolments made active (empty for an Invoice that is not a premium, or paid before)
   */
  public List<Enrolment> invoicePaid(String invoiceId, Instant paidAt, String paidBy) {
    return invoicePaid(invoiceId, paidAt, paidBy, Optional.empty());
  }

  /** @param division the acting office's division (empty: anywhere) */
  public List<Enrolment> invoicePaid(String invoiceId, Instant paidAt, String paidBy, Optional<String> division) {
    return transactions.execute(tx -> {
      Optional<Premium> premium = enrolments.premiumByInvoice(invoiceId);
      if (premium.isEmpty()) {
        return List.of();
      }
      OutsideDivision.check(division, premium.get().county(), "premium Invoice/" + invoiceId);
      Scheme scheme = schemes.current(premium.get().county(), premium.get().year()).orElseThrow();
      List<Enrolment> activated = enrolments.premiumPaid(scheme, premium.get().id(), paidAt, paidBy);
      if (activated.isEmpty()) {
        return activated;
      }
      Invoice invoice = repository.read(Invoice.class, invoiceId);
      invoice.setStatus(Invoice.InvoiceStatus.BALANCED);
      invoice.setDate(java.util.Date.from(paidAt));
      repository.update(invoice);
      String head = invoice.getRecipient().getReferenceElement().getIdPart();
      for (Enrolment e : activated) {
        refreshCoverage(scheme, e, head);
      }
      return activated;
    });
  }

  /** Premiums unpaid past due and grace lapse, with their coverage. */
  public int lapseOverdue() {
    return transactions.execute(tx -> {
      LocalDate today = LocalDate.now(clock.withZone(Enrolments.CHINA));
      int lapsed = 0;
      for (Scheme scheme : schemes.latest()) {
        for (Enrolment e : enrolments.lapseOverdue(scheme, today)) {
          refreshCoverage(scheme, e, e.patient());
          lapsed++;
        }
      }
      return lapsed;
    });
  }

  /** A death or emigration recorded: the person's live enrolments end and their Coverage with them. */
  public List<Enrolment> personLeft(String cardNumber) {
    return transactions.execute(tx -> {
      List<Enrolment> cancelled = enrolments.cancel(cardNumber);
      for (Enrolment e : cancelled) {
        e.coverage().ifPresent(id -> {
          Coverage coverage = repository.read(Coverage.class, id);
          coverage.setStatus(Coverage.CoverageStatus.CANCELLED);
          repository.update(coverage);
        });
      }
      return cancelled;
    });
  }

  private void refreshCoverage(Scheme scheme, Enrolment e, String headFallback) {
    if (e.coverage().isEmpty()) {
      return;
    }
    Coverage old = repository.read(Coverage.class, e.coverage().get());
    String head = old.getSubscriber().getReferenceElement().getIdPart();
    Coverage fresh = EnrolmentToFhir.coverage(scheme, e, head == null ? headFallback : head);
    fresh.setId(old.getIdElement().toUnqualifiedVersionless());
    repository.update(fresh);
  }

  /** What the fund would do for a person at a hospital on a day, and what is left of the year. */
  public record Eligibility(
      String cardNumber, String patient, Optional<Scheme> scheme, Optional<Enrolment> enrolment,
      Optional<Reason> refusal, Optional<Provider> provider, Usage usage, List<String> excludedAsked) {}

  public Eligibility check(String cardNumber, String institution, LocalDate day, List<String> items) {
    PersonFacts person = repository.person(cardNumber)
        .orElseThrow(() -> new ClaimRefused("patient", "no resident with this card number is known to the hub"));
    Optional<Provider> provider = providers.find(institution);
    Optional<Enrolment> enrolment = enrolments.holding(cardNumber, day.getYear());
    String county = enrolment.map(Enrolment::county).or(() -> provider.map(Provider::county)).orElse(null);
    Optional<Scheme> scheme = county == null ? Optional.empty() : schemes.current(county, day.getYear());
    Optional<Reason> refusal = enrolments.refusal(enrolment, day);
    if (refusal.isEmpty() && (provider.isEmpty() || !provider.get().designated())) {
      refusal = Optional.of(Reason.PROVIDER_NOT_DESIGNATED);
    }
    Usage usage = ledger.usage(cardNumber, day.getYear());
    List<String> excluded = scheme.map(s -> items.stream().filter(s.rules().excludedItems()::contains).toList())
        .orElse(List.of());
    return new Eligibility(cardNumber, person.patient(), scheme, enrolment, refusal, provider, usage, excluded);
  }

  /** A settlement, and whether this call made it (false: the same claim number was settled before). */
  public record Submitted(SettledClaim claim, boolean isNew, List<StoredFinding> findings,
      Optional<ClaimResponse> response) {

    public Submitted(SettledClaim claim, boolean isNew, List<StoredFinding> findings) {
      this(claim, isNew, findings, Optional.empty());
    }
  }

  /**
   * Settles a hospital's claim (or, for a claim with status cancelled, reverses the one it relates
   * to). The same claim number again answers the first settlement.
   *
   * @throws ClaimRefused naming the element at fault
   */
  public Submitted submit(Claim resource, String institution) {
    if (ClaimFromFhir.isReversal(resource)) {
      String original = ClaimFromFhir.related(resource).orElseThrow(() -> new ClaimRefused("Claim.related",
          "a reversal (status cancelled) names the claim it reverses in related.claim.identifier"));
      return transactions.execute(tx -> new Submitted(reverse(institution, original), false, List.of()));
    }
    SubmittedClaim claim = ClaimFromFhir.read(resource, institution);
    return transactions.execute(tx -> {
      Optional<SettledClaim> existing = ledger.byNumber(institution, claim.claimNo());
      if (existing.isPresent()) {
        if (!existing.get().fingerprint().equals(claim.fingerprint())
            || !existing.get().cardNumber().equals(claim.cardNumber())) {
          throw new ClaimRefused("Claim.identifier", "claim number " + claim.claimNo()
              + " was already settled for a different bill: a correction is a new claim with related.claim", true);
        }
        return new Submitted(existing.get(), false, findings.ofClaim(existing.get().id()));
      }
      Provider provider = providers.find(institution).orElseThrow(() -> new ClaimRefused("Claim.provider",
          "institution " + institution + " is not registered with the schemes (hospital level and county)"));
      PersonFacts person = repository.person(claim.cardNumber()).orElseThrow(() -> new ClaimRefused(
          "Claim.patient.identifier", "no resident with this card number is known to the hub"));
      LocalDate day = LocalDate.ofInstant(claim.serviceFrom(), Enrolments.CHINA);
      int year = day.getYear();
      ledger.lockPersonYear(claim.cardNumber(), year);
      Optional<Enrolment> enrolment = enrolments.holding(claim.cardNumber(), year);
      String county = enrolment.map(Enrolment::county).orElse(provider.county());
      Scheme scheme = schemes.current(county, year).orElseThrow(() -> new ClaimRefused("Claim.billablePeriod",
          "no scheme is loaded for county " + county + " and year " + year));
      Optional<String> replaces = Optional.empty();
      if (claim.replaces().isPresent()) {
        SettledClaim original = reverse(institution, claim.replaces().get());
        replaces = Optional.of(original.id());
      }
      Optional<Reason> refusal = provider.designated() ? enrolments.refusal(enrolment, day)
          : Optional.of(Reason.PROVIDER_NOT_DESIGNATED);
      Usage usage = ledger.usage(claim.cardNumber(), year);
      Adjudication adjudication = Adjudicator.adjudicate(scheme, refusal, usage, new ClaimToAdjudicate(
          claim.setting(), provider.level(), !provider.county().equals(scheme.county()), claim.referred(),
          claim.lines()));
      String id = RandomIds.next("C", 10);
      // as the database keeps it, so that the claim in hand and the one read back are the same
      Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
      ledger.settle(id, claim, person.patient(), scheme.county(), year, scheme.version(), provider.level(),
          adjudication, replaces, now);
      SettledClaim settled = new SettledClaim(id, institution, claim.claimNo(), claim.cardNumber(), person.patient(),
          scheme.county(), year, scheme.version(), provider.level(), claim.serviceFrom(), claim.serviceTo(),
          claim.diagnoses(), claim.fingerprint(), "settled", adjudication.benefitFen() > 0 ? "payable" : "none",
          adjudication, replaces, Optional.empty(), Optional.empty(), Optional.empty(), now);

      Claim stored = resource.copy();
      stored.setId((String) null);
      stored.getIdentifier().clear();
      stored.addIdentifier(new Identifier().setSystem(InsuranceCodes.HOSPITAL_CLAIM + "/" + institution)
          .setValue(claim.claimNo()));
      stored.setPatient(new org.hl7.fhir.r4.model.Reference("Patient/" + person.patient()));
      String claimId = repository.create(stored);
      ClaimResponse response = SettlementToFhir.claimResponse(settled, scheme.product(), claimId);
      String responseId = repository.create(response);
      String eobId = repository.create(SettlementToFhir.explanation(settled, scheme.product(), resource, claimId,
          responseId, enrolment.flatMap(Enrolment::coverage)));
      ledger.recordResources(id, claimId, responseId, eobId);
      settled = settled.withResources(claimId, responseId, eobId);
      response.setId(new org.hl7.fhir.r4.model.IdType("ClaimResponse", responseId, "1"));
      response.getMeta().setVersionId("1");

      List<StoredFinding> found = supervise(settled, person, scheme, now);
      return new Submitted(settled, true, found, Optional.of(response));
    });
  }

  /**
   * Runs the fund-supervision rules over a settled claim beside the person's other claims; each
   * new hit (a rule finds a claim once) recorded with its DetectedIssue and review Task.
   */
  private List<StoredFinding> supervise(SettledClaim settled, PersonFacts person, Scheme scheme, Instant now) {
    List<SettledClaim> around = ledger.around(settled.cardNumber(),
        settled.serviceFrom().minus(FundSupervision.LOOK_AROUND), settled.serviceTo().plus(FundSupervision.LOOK_AROUND),
        settled.id());
    Optional<cn.healthcard.hub.insurance.supervision.CostStatistic> usual = settled.diagnoses().isEmpty()
        ? Optional.empty()
        : costs.of(settled.diagnoses().get(0), settled.level().code(), settled.adjudication().setting().code());
    List<StoredFinding> found = new ArrayList<>();
    java.util.Map<String, cn.healthcard.hub.insurance.supervision.QuantityStatistic> quantities = settled.diagnoses().isEmpty()
        ? java.util.Map.of()
        : costs.quantities(settled.diagnoses().get(0), settled.level().code(),
            settled.adjudication().lines().stream().map(l -> l.item()).distinct().toList());
    for (Finding f : FundSupervision.evaluate(settled, around, person, scheme.rules(), usual, quantities)) {
      findings.record(f, settled.id(), settled.cardNumber(), settled.county(), now).ifPresent(recorded -> {
        List<String> claims = new ArrayList<>();
        settled.claimResource().ifPresent(claims::add);
        for (String evidence : f.evidenceClaims()) {
          ledger.byId(evidence).flatMap(SettledClaim::claimResource).ifPresent(claims::add);
        }
        String issue = repository.create(FindingToFhir.issue(recorded, settled.patient(), claims, now));
        String task = repository.create(FindingToFhir.review(recorded, settled.patient(), issue, now));
        findings.recordResources(recorded.id(), issue, task);
        found.add(findings.byId(recorded.id()).orElseThrow());
      });
    }
    return found;
  }

  /**
   * The supervision rules over a settled claim again (the nightly pass: claims that arrived after
   * it, today's cost statistics, the card and record as they are now); the findings new this time.
   */
  public List<StoredFinding> superviseAgain(String claimId) {
    return transactions.execute(tx -> {
      SettledClaim claim = ledger.byId(claimId).orElseThrow(() -> new IllegalArgumentException("no claim " + claimId));
      if (claim.reversed()) {
        return List.<StoredFinding>of();
      }
      Optional<PersonFacts> person = repository.person(claim.cardNumber());
      Optional<Scheme> scheme = schemes.version(claim.county(), claim.year(), claim.schemeVersion());
      if (person.isEmpty() || scheme.isEmpty()) {
        return List.<StoredFinding>of();
      }
      return supervise(claim, person.get(), scheme.get(), clock.instant());
    });
  }

  /** Reverses a hospital's settled claim by its number (the ClaimResponse and EOB become cancelled). */
  private SettledClaim reverse(String institution, String claimNo) {
    SettledClaim original = ledger.byNumber(institution, claimNo).orElseThrow(() -> new ClaimRefused(
        "Claim.related", "no settled claim " + claimNo + " of this hospital"));
    if (original.reversed()) {
      return original;
    }
    ledger.lockPersonYear(original.cardNumber(), original.year());
    ledger.reverse(original, clock.instant());
    SettledClaim reversed = ledger.byId(original.id()).orElseThrow();
    reversed.claimResponse().ifPresent(id -> {
      ClaimResponse r = repository.read(ClaimResponse.class, id);
      r.setStatus(ClaimResponse.ClaimResponseStatus.CANCELLED);
      r.setDisposition("reversed: the fund's share of " + SettlementToFhir.yuan(original.adjudication().benefitFen())
          + " CNY is taken back");
      r.setPayment(null);
      repository.update(r);
    });
    reversed.eob().ifPresent(id -> {
      ExplanationOfBenefit e = repository.read(ExplanationOfBenefit.class, id);
      e.setStatus(ExplanationOfBenefit.ExplanationOfBenefitStatus.CANCELLED);
      repository.update(e);
    });
    return reversed;
  }

  /**
   * A reviewer's decision on a finding (by its DetectedIssue id): confirmed holds the fund's
   * payment for the claim; the DetectedIssue and its Task follow.
   */
  public StoredFinding review(String detectedIssue, FindingStatus.Decision decision, String reviewer, String note) {
    return review(detectedIssue, decision, reviewer, note, Optional.empty());
  }

  /** @param division the reviewing office's division (empty: anywhere) */
  public StoredFinding review(String detectedIssue, FindingStatus.Decision decision, String reviewer, String note,
      Optional<String> division) {
    return transactions.execute(tx -> {
      StoredFinding found = findings.byDetectedIssue(detectedIssue)
          .orElseThrow(() -> new IllegalArgumentException("no finding DetectedIssue/" + detectedIssue));
      OutsideDivision.check(division, found.county(), "finding DetectedIssue/" + detectedIssue);
      StoredFinding reviewed = findings.review(found.id(), decision, reviewer, note, clock.instant());
      if (reviewed.status() == FindingStatus.CONFIRMED) {
        ledger.hold(reviewed.claimId());
      }
      DetectedIssue issue = repository.read(DetectedIssue.class, detectedIssue);
      issue.setStatus(DetectedIssue.DetectedIssueStatus.fromCode(reviewed.status().detectedIssueStatus()));
      issue.addMitigation().setDate(java.util.Date.from(clock.instant()))
          .setAction(new org.hl7.fhir.r4.model.CodeableConcept().setText(reviewed.status().code()
              + (note == null || note.isBlank() ? "" : ": " + note)));
      repository.update(issue);
      reviewed.task().ifPresent(taskId -> {
        Task task = repository.read(Task.class, taskId);
        task.setStatus(Task.TaskStatus.COMPLETED);
        task.setBusinessStatus(new org.hl7.fhir.r4.model.CodeableConcept().setText(reviewed.status().code()));
        task.setLastModified(java.util.Date.from(clock.instant()));
        repository.update(task);
      });
      return reviewed;
    });
  }


}
