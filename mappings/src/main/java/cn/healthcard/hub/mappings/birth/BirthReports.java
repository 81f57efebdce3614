package cn.healthcard.hub.mappings.birth;

import static cn.healthcard.hub.mappings.birth.BirthReportShape.BIRTH_SYSTEM;
import static cn.healthcard.hub.mappings.birth.BirthReportShape.BIRTH_TIME;
import static cn.healthcard.hub.mappings.birth.BirthReportShape.INSTITUTION_SYSTEM;
import static cn.healthcard.hub.mappings.birth.BirthReportShape.MOTHER;
import static cn.healthcard.hub.mappings.birth.BirthReportShape.ROLE_CODE_SYSTEM;

import cn.healthcard.hub.terminology.identity.InvalidResidentIdNumberException;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.BooleanType;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.IntegerType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Organization;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.RelatedPerson;
import org.hl7.fhir.r4.model.Resource;

/**
 * Finds the birth reports in a transaction and makes them idempotent. Pure: no I/O.
 *
 * <p>A birth report is a Patient entry whose {@code birthDate} carries the patient-birthTime
 * extension and at which a RelatedPerson with relationship MTH points. Anything else in the
 * transaction is not a birth report and is left alone.
 */
public final class BirthReports {

  /** The reports found, or the problems that make the transaction unacceptable. */
  public record Read(List<BirthReport> reports, List<BirthProblem> problems) {
    public boolean isEmpty() {
      return reports.isEmpty() && problems.isEmpty();
    }
  }

  private BirthReports() {}

  public static Read read(Bundle bundle) {
    List<BirthReport> reports = new ArrayList<>();
    List<BirthProblem> problems = new ArrayList<>();
    List<BundleEntryComponent> entries = bundle.getEntry();
    Set<BirthReport.Key> seen = new HashSet<>();
    for (int i = 0; i < entries.size(); i++) {
      BundleEntryComponent entry = entries.get(i);
      if (!(entry.getResource() instanceof Patient child) || !child.getBirthDateElement().hasExtension(BIRTH_TIME)
          || child.getIdentifier().stream().anyMatch(id -> BIRTH_SYSTEM.equals(id.getSystem()))) {
        // not a birth, or one already made idempotent (a transaction retried after a race)
        continue;
      }
      List<Integer> mothers = mothersOf(entries, entry);
      if (mothers.isEmpty()) {
        continue;
      }
      int before = problems.size();
      String at = "Bundle.entry[" + i + "].resource";
      Instant birthTime = birthTime(child, at, problems);
      int order = birthOrder(child, at, problems);
      if (mothers.size() > 1) {
        problems.add(new BirthProblem("Bundle.entry[" + mothers.get(1) + "].resource",
            "a child has one mother in a birth report; two RelatedPerson MTH point at this child"));
      }
      int m = mothers.get(0);
      Optional<Identifier> mother = motherIdentifier((RelatedPerson) entries.get(m).getResource(),
          "Bundle.entry[" + m + "].resource", problems);
      if (problems.size() > before || mother.isEmpty()) {
        continue;
      }
      boolean hasCard = ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(mother.get().getSystem());
      List<BundleEntryComponent> related = relatedEntries(entries, entry);
      BirthReport report = new BirthReport(entry, mother.get(), hasCard, birthTime, order, stillborn(child),
          institution(entries, child, related), related, facts(child, order, related));
      if (!seen.add(report.key())) {
        problems.add(new BirthProblem(at, "the transaction reports the same birth (mother, birth time, birth order) twice"));
        continue;
      }
      reports.add(report);
    }
    return new Read(reports, problems);
  }

  /**
   * Gives the report's resources the hub's birth identifiers ({@code <birthId>}, {@code
   * <birthId>/mother}, {@code <birthId>/delivery}, {@code <birthId>/<LOINC code>}) and turns
   * their requests into conditional creates on them: the same birth reported again creates
   * nothing. The child's fullUrl is kept, so references to it inside the transaction still
   * resolve.
   */
  public static void makeIdempotent(BirthReport report, String birthId) {
    conditionalCreate(report.child(), birthId);
    Set<String> used = new HashSet<>();
    for (BundleEntryComponent entry : report.related()) {
      Resource resource = entry.getResource();
      String suffix;
      if (resource instanceof RelatedPerson) {
        suffix = "mother";
      } else if (resource instanceof Encounter) {
        suffix = "delivery";
      } else if (resource instanceof Observation o) {
        suffix = o.getCode().getCoding().stream().filter(c -> c.hasCode())
            .map(c -> c.getCode()).findFirst().orElse("observation");
      } else {
        suffix = resource.fhirType().toLowerCase();
      }
      String unique = suffix;
      for (int n = 2; !used.add(unique); n++) {
        unique = suffix + "-" + n;
      }
      conditionalCreate(entry, birthId + "/" + unique);
    }
  }

  private static void conditionalCreate(BundleEntryComponent entry, String value) {
    DomainResource resource = (DomainResource) entry.getResource();
    Identifier id = new Identifier().setSystem(BIRTH_SYSTEM).setValue(value);
    if (resource instanceof Patient p) {
      p.addIdentifier(id);
    } else if (resource instanceof RelatedPerson r) {
      r.addIdentifier(id);
    } else if (resource instanceof Encounter e) {
      e.addIdentifier(id);
    } else if (resource instanceof Observation o) {
      o.addIdentifier(id);
    }
    resource.setIdElement(null);
    entry.getRequest().setMethod(Bundle.HTTPVerb.POST).setUrl(resource.fhirType())
        .setIfNoneExist("identifier=" + BIRTH_SYSTEM + "|" + value);
  }

  private static List<Integer> mothersOf(List<BundleEntryComponent> entries, BundleEntryComponent child) {
    List<Integer> found = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      if (entries.get(i).getResource() instanceof RelatedPerson r && pointsAt(r.getPatient(), child)
          && r.getRelationship().stream().flatMap(c -> c.getCoding().stream())
              .anyMatch(c -> ROLE_CODE_SYSTEM.equals(c.getSystem()) && MOTHER.equals(c.getCode()))) {
        found.add(i);
      }
    }
    return found;
  }

  private static boolean pointsAt(Reference reference, BundleEntryComponent entry) {
    if (reference == null || !reference.hasReference()) {
      return false;
    }
    String ref = reference.getReference();
    if (entry.hasFullUrl() && ref.equals(entry.getFullUrl())) {
      return true;
    }
    Resource resource = entry.getResource();
    return resource.hasIdElement() && resource.getIdElement().hasIdPart()
        && ref.equals(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
  }

  private static Instant birthTime(Patient child, String at, List<BirthProblem> problems) {
    String where = at + ".birthDate.extension('" + BIRTH_TIME + "')";
    Extension extension = child.getBirthDateElement().getExtensionByUrl(BIRTH_TIME);
    if (!(extension.getValue() instanceof DateTimeType time) || time.getValue() == null) {
      problems.add(new BirthProblem(where, "the birth time must be a dateTime"));
      return null;
    }
    if (time.getPrecision().compareTo(ca.uhn.fhir.model.api.TemporalPrecisionEnum.MINUTE) < 0) {
      problems.add(new BirthProblem(where, "the birth time must be given at least to the minute, with a time zone"));
      return null;
    }
    if (!child.hasBirthDate() || !time.getValueAsString().startsWith(child.getBirthDateElement().getValueAsString())) {
      problems.add(new BirthProblem(at + ".birthDate", "the birth date must be the date of the birth time"));
      return null;
    }
    return time.getValue().toInstant();
  }

  private static int birthOrder(Patient child, String at, List<BirthProblem> problems) {
    if (child.getMultipleBirth() instanceof IntegerType order) {
      if (order.getValue() == null || order.getValue() < 1) {
        problems.add(new BirthProblem(at + ".multipleBirthInteger", "the birth order must be 1 or more"));
        return 0;
      }
      return order.getValue();
    }
    if (child.getMultipleBirth() instanceof BooleanType multiple && Boolean.TRUE.equals(multiple.getValue())) {
      problems.add(new BirthProblem(at + ".multipleBirthBoolean",
          "a child of a multiple birth needs its birth order (multipleBirthInteger)"));
      return 0;
    }
    return 1;
  }

  private static Optional<Identifier> motherIdentifier(RelatedPerson mother, String at, List<BirthProblem> problems) {
    List<Identifier> identifiers = mother.getIdentifier();
    for (int k = 0; k < identifiers.size(); k++) {
      Identifier id = identifiers.get(k);
      if (ResidentIdNumber.HEALTH_CARD_SYSTEM.equals(id.getSystem()) || ResidentIdNumber.ID_CARD_SYSTEM.equals(id.getSystem())) {
        try {
          ResidentIdNumber number = ResidentIdNumber.parse(id.getValue());
          if (number.sex() != ResidentIdNumber.Sex.FEMALE) {
            problems.add(new BirthProblem(at + ".identifier[" + k + "]", "the mother's ID number encodes a male"));
            return Optional.empty();
          }
          return Optional.of(new Identifier().setSystem(ResidentIdNumber.HEALTH_CARD_SYSTEM).setValue(number.value()));
        } catch (InvalidResidentIdNumberException e) {
          problems.add(new BirthProblem(at + ".identifier[" + k + "]", "invalid ID number: " + e.getMessage()));
          return Optional.empty();
        }
      }
    }
    for (Identifier id : identifiers) {
      if (id.hasSystem() && id.hasValue()) {
        return Optional.of(new Identifier().setSystem(id.getSystem()).setValue(id.getValue()));
      }
    }
    problems.add(new BirthProblem(at + ".identifier",
        "the mother's identifier is required: her health-card number, or (without one) another identifier with a system"));
    return Optional.empty();
  }

  private static boolean stillborn(Patient child) {
    return child.getDeceased() instanceof BooleanType b ? Boolean.TRUE.equals(b.getValue()) : child.hasDeceasedDateTimeType();
  }

  private static List<BundleEntryComponent> relatedEntries(List<BundleEntryComponent> entries, BundleEntryComponent child) {
    List<BundleEntryComponent> related = new ArrayList<>();
    for (BundleEntryComponent e : entries) {
      Resource resource = e.getResource();
      boolean about =
          resource instanceof RelatedPerson r ? pointsAt(r.getPatient(), child)
              : resource instanceof Encounter enc ? pointsAt(enc.getSubject(), child)
              : resource instanceof Observation o && pointsAt(o.getSubject(), child);
      if (about) {
        related.add(e);
      }
    }
    return related;
  }

  /** The birth institution: a card-institution identifier on the child's managing organization or the delivery's service provider. */
  private static Optional<String> institution(List<BundleEntryComponent> entries, Patient child, List<BundleEntryComponent> related) {
    List<Reference> candidates = new ArrayList<>();
    candidates.add(child.getManagingOrganization());
    related.stream().map(BundleEntryComponent::getResource).filter(Encounter.class::isInstance)
        .map(r -> ((Encounter) r).getServiceProvider()).forEach(candidates::add);
    for (Reference reference : candidates) {
      if (reference.hasIdentifier() && INSTITUTION_SYSTEM.equals(reference.getIdentifier().getSystem())) {
        return Optional.of(reference.getIdentifier().getValue());
      }
      for (BundleEntryComponent e : entries) {
        if (e.getResource() instanceof Organization org && pointsAt(reference, e)) {
          Optional<String> id = org.getIdentifier().stream().filter(i -> INSTITUTION_SYSTEM.equals(i.getSystem()))
              .map(Identifier::getValue).findFirst();
          if (id.isPresent()) {
            return id;
          }
        }
      }
    }
    return Optional.empty();
  }

  private static Map<String, String> facts(Patient child, int order, List<BundleEntryComponent> related) {
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("Patient.gender", child.hasGender() ? child.getGender().toCode() : "");
    facts.put("Patient.multipleBirth", Integer.toString(order));
    facts.put("Patient.deceased", Boolean.toString(stillborn(child)));
    for (BundleEntryComponent e : related) {
      if (e.getResource() instanceof Observation o && o.getStatus() != Observation.ObservationStatus.ENTEREDINERROR) {
        String code = o.getCode().getCoding().stream().filter(c -> c.hasCode()).map(c -> c.getCode()).findFirst().orElse(null);
        if (code != null) {
          facts.put("Observation[" + code + "].value", value(o));
        }
      }
    }
    return facts;
  }

  private static String value(Observation o) {
    if (o.getValue() instanceof Quantity q && q.hasValue()) {
      return q.getValue().stripTrailingZeros().toPlainString() + (q.hasCode() ? " " + q.getCode() : q.hasUnit() ? " " + q.getUnit() : "");
    }
    return o.hasValue() ? o.getValue().primitiveValue() == null ? o.getValue().fhirType() : o.getValue().primitiveValue() : "";
  }

  /** The facts a later report contradicts, each with both values; empty when they agree. */
  public static List<BirthProblem> contradictions(Map<String, String> first, Map<String, String> later) {
    List<BirthProblem> differ = new ArrayList<>();
    for (Map.Entry<String, String> fact : later.entrySet()) {
      String before = first.get(fact.getKey());
      if (before != null && !before.equals(fact.getValue())) {
        differ.add(new BirthProblem(fact.getKey(),
            "differs from the first report of this birth (first: '" + before + "', now: '" + fact.getValue() + "')"));
      }
    }
    return differ;
  }
}
