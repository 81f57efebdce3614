package cn.healthcard.hub.mappings.hl7v2.adt;

import static cn.healthcard.hub.mappings.hl7v2.datatype.V2.s;

import ca.uhn.hl7v2.model.v251.datatype.CX;
import ca.uhn.hl7v2.model.v251.segment.MRG;
import ca.uhn.hl7v2.model.v251.segment.PID;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorCode;
import cn.healthcard.hub.mappings.hl7v2.ack.ErrorLocation;
import cn.healthcard.hub.mappings.hl7v2.bundle.FhirPathPatch;
import cn.healthcard.hub.mappings.hl7v2.bundle.SearchUrls;
import cn.healthcard.hub.mappings.hl7v2.datatype.Identifiers;
import cn.healthcard.hub.mappings.hl7v2.datatype.MappingContext;
import cn.healthcard.hub.mappings.hl7v2.parse.SegmentRef;
import cn.healthcard.hub.mappings.hl7v2.segment.PidToPatient;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Account;
import org.hl7.fhir.r4.model.Account.AccountStatus;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Identifier.IdentifierUse;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * ADT events that change a number, not who a person is. Nothing is deleted: a number that is no
 * longer used stays on its resource with {@code use = old}, so a late message carrying it still
 * finds the record and a reader sees the history.
 *
 * <ul>
 *   <li>A46, A47 (change patient id, internal id), A36 (id and account): the PID's Patient, found
 *       by the card number or the prior number (MRG-1), gets the new number; the prior one is kept
 *       as old. A48 (change alternate id): the same with PID-4 and MRG-2.
 *   <li>A35, A49 (change account number), A36: the Account found by MRG-3 or PID-18 gets PID-18;
 *       MRG-3 is kept as old.
 *   <li>A41 (merge account): the PID-18 Account (created when the hub does not have it) survives,
 *       the MRG-3 Account becomes inactive (a status patch; the hub may never have received it).
 *   <li>A44 (move account): the MRG-3 Account now belongs to the PID's patient.
 *   <li>A29 (delete person information): the sender no longer knows the person. The hub keeps the
 *       person and everything recorded (other institutions' records, the card) and retires the
 *       sender's numbers in PID-3 (a patch setting their use to old).
 * </ul>
 */
final class IdentifierChanges {

  static final Set<String> EVENTS = Set.of("A29", "A35", "A36", "A41", "A44", "A46", "A47", "A48", "A49");
  private static final Set<String> PATIENT_ID = Set.of("A36", "A46", "A47");
  private static final Set<String> ACCOUNT_NUMBER = Set.of("A35", "A36", "A49");

  private IdentifierChanges() {}

  static AdtToFhir.Result map(MappingContext ctx, String organizationUrl) {
    String trigger = ctx.triggerEvent();
    if ("A29".equals(trigger)) {
      deletePerson(ctx);
      return new AdtToFhir.Result(Optional.empty(), List.of());
    }
    List<SegmentRef[]> pairs = AdtToFhir.pidMrgPairs(ctx);
    if (pairs.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("MRG", 1),
          "an ADT^" + trigger + " needs a PID followed by an MRG segment");
      return new AdtToFhir.Result(Optional.empty(), List.of());
    }
    Optional<String> first = Optional.empty();
    for (SegmentRef[] pair : pairs) {
      Optional<PidToPatient.Result> patient = PidToPatient.map(ctx, pair[0]);
      if (patient.isEmpty()) {
        continue;
      }
      Patient p = ctx.stamp(patient.get().patient());
      List<Identifier> match = patient.get().matchIdentifiers();
      MRG mrg = pair[1].as(MRG.class);
      List<Identifier> prior = List.of();
      if (PATIENT_ID.contains(trigger)) {
        prior = AdtToFhir.priorNumbers(ctx, pair[1], "MRG-1 (prior patient identifier list) must name the hospital's"
            + " number that changes (the card number belongs to the person and never changes)");
      } else if ("A48".equals(trigger)) {
        prior = alternateIds(ctx, pair[1], mrg);
      }
      if (ctx.hasErrors()) {
        continue;
      }
      List<Identifier> retired = retire(p, prior);
      if (!retired.isEmpty()) {
        match = new ArrayList<>();
        patient.get().card().ifPresent(match::add);
        match.addAll(retired);
      }
      String patientUrl = ctx.transaction().updateWhere(p, SearchUrls.identifierQuery(match));
      first = first.or(() -> Optional.of(patientUrl));
      if (ACCOUNT_NUMBER.contains(trigger)) {
        changeAccount(ctx, pair, patientUrl, organizationUrl);
      } else if ("A41".equals(trigger)) {
        mergeAccount(ctx, pair, patientUrl, organizationUrl);
      } else if ("A44".equals(trigger)) {
        moveAccount(ctx, pair, patientUrl, organizationUrl);
      }
    }
    return new AdtToFhir.Result(first, List.of());
  }

  /**
   * Marks each prior number old on the Patient (adding it when PID-3 does not repeat it) and
   * answers the ones that changed; a prior number that PID-3 still carries is not a change.
   */
  private static List<Identifier> retire(Patient p, List<Identifier> prior) {
    List<Identifier> retired = new ArrayList<>();
    for (Identifier old : prior) {
      boolean current = p.getIdentifier().stream()
          .anyMatch(i -> i.getSystem().equals(old.getSystem()) && i.getValue().equals(old.getValue()));
      if (!current) {
        p.addIdentifier(old.copy().setUse(IdentifierUse.OLD));
        retired.add(old);
      }
    }
    return retired;
  }

  private static List<Identifier> alternateIds(MappingContext ctx, SegmentRef mrgRef, MRG mrg) {
    List<Identifier> out = new ArrayList<>();
    for (CX cx : mrg.getMrg2_PriorAlternatePatientID()) {
      if (!s(cx.getCx1_IDNumber()).isEmpty()) {
        out.add(Identifiers.fromCx(ctx, cx, ctx.sender().namespace("alternate-id")));
      }
    }
    if (out.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, mrgRef.at(2),
          "MRG-2 (prior alternate patient id) names the number that changes");
    }
    return out;
  }

  private static Optional<Identifier> accountNumber(MappingContext ctx, SegmentRef ref, CX cx, int field, String what) {
    if (s(cx.getCx1_IDNumber()).isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, ref.at(field), what);
      return Optional.empty();
    }
    return Optional.of(Identifiers.account(ctx, cx));
  }

  private static Account account(MappingContext ctx, Identifier number, String patientUrl, String organizationUrl) {
    Account account = ctx.stamp(new Account());
    account.addIdentifier(number);
    account.addSubject(new Reference(patientUrl));
    account.setOwner(new Reference(organizationUrl));
    account.setStatus(AccountStatus.ACTIVE);
    return account;
  }

  /** A35, A36, A49: the Account known by MRG-3 (or already by PID-18) is now PID-18; MRG-3 is kept as old. */
  private static void changeAccount(MappingContext ctx, SegmentRef[] pair, String patientUrl, String organizationUrl) {
    Optional<Identifier> now = accountNumber(ctx, pair[0], pair[0].as(PID.class).getPid18_PatientAccountNumber(), 18,
        "PID-18 (patient account number) is the account's new number");
    Optional<Identifier> prior = accountNumber(ctx, pair[1], pair[1].as(MRG.class).getMrg3_PriorPatientAccountNumber(), 3,
        "MRG-3 (prior patient account number) names the account whose number changes");
    if (now.isEmpty() || prior.isEmpty()) {
      return;
    }
    Account account = account(ctx, now.get(), patientUrl, organizationUrl);
    if (!same(now.get(), prior.get())) {
      account.addIdentifier(prior.get().copy().setUse(IdentifierUse.OLD));
    }
    ctx.transaction().updateWhere(account, SearchUrls.identifierQuery(List.of(prior.get(), now.get())));
  }

  /** A41: PID-18 survives (created when new), MRG-3 becomes inactive if the hub has it. */
  private static void mergeAccount(MappingContext ctx, SegmentRef[] pair, String patientUrl, String organizationUrl) {
    Optional<Identifier> survivor = accountNumber(ctx, pair[0], pair[0].as(PID.class).getPid18_PatientAccountNumber(), 18,
        "PID-18 (patient account number) names the account that survives the merge");
    Optional<Identifier> goes = accountNumber(ctx, pair[1], pair[1].as(MRG.class).getMrg3_PriorPatientAccountNumber(), 3,
        "MRG-3 (prior patient account number) names the account merged into PID-18");
    if (survivor.isEmpty() || goes.isEmpty()) {
      return;
    }
    if (same(survivor.get(), goes.get())) {
      ctx.error(ErrorCode.DATA_TYPE_ERROR, pair[1].at(3), "MRG-3 names the account that survives (PID-18): nothing to merge");
      return;
    }
    ctx.transaction().createIfNoneExist(account(ctx, survivor.get(), patientUrl, organizationUrl),
        SearchUrls.identifierQuery(List.of(survivor.get())));
    ctx.transaction().patchWhere("Account", SearchUrls.identifierQuery(List.of(goes.get())),
        FhirPathPatch.of().replace("Account.status", new CodeType(AccountStatus.INACTIVE.toCode())).build());
  }

  /** A44: the MRG-3 Account (by its number, or PID-18 when the sender repeats it there) belongs to the PID's patient. */
  private static void moveAccount(MappingContext ctx, SegmentRef[] pair, String patientUrl, String organizationUrl) {
    Optional<Identifier> moved = accountNumber(ctx, pair[1], pair[1].as(MRG.class).getMrg3_PriorPatientAccountNumber(), 3,
        "MRG-3 (prior patient account number) names the account that moves");
    if (moved.isEmpty()) {
      return;
    }
    ctx.transaction().updateWhere(account(ctx, moved.get(), patientUrl, organizationUrl),
        SearchUrls.identifierQuery(List.of(moved.get())));
  }

  /** A29: each of the sender's numbers in PID-3 is retired where the hub has it. */
  private static void deletePerson(MappingContext ctx) {
    Optional<SegmentRef> pidRef = ctx.message().first("PID");
    if (pidRef.isEmpty()) {
      ctx.error(ErrorCode.SEGMENT_SEQUENCE_ERROR, ErrorLocation.segment("PID", 1), "an ADT message needs a PID segment");
      return;
    }
    Optional<PidToPatient.Result> patient = PidToPatient.map(ctx, pidRef.get());
    if (patient.isEmpty()) {
      return;
    }
    List<Identifier> numbers = patient.get().patient().getIdentifier().stream()
        .filter(i -> !PidToPatient.isPersonSystem(i.getSystem())).toList();
    if (numbers.isEmpty()) {
      ctx.error(ErrorCode.REQUIRED_FIELD_MISSING, pidRef.get().at(3),
          "an A29 names the person by the hospital's own number in PID-3 (the card number is the person's)");
      return;
    }
    for (Identifier number : numbers) {
      String path = FhirPathPatch.identifierPath("Patient", number.getSystem(), number.getValue());
      ctx.transaction().patchWhere("Patient", SearchUrls.identifierQuery(List.of(number)),
          FhirPathPatch.of().delete(path + ".use").add(path, "use", new CodeType(IdentifierUse.OLD.toCode())).build());
    }
  }

  private static boolean same(Identifier a, Identifier b) {
    return a.getSystem().equals(b.getSystem()) && a.getValue().equals(b.getValue());
  }
}
