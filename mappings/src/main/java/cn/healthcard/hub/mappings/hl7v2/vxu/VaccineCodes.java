package cn.healthcard.hub.mappings.hl7v2.vxu;

import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.Terminology;
import cn.healthcard.hub.terminology.Translation;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;

/**
 * Vaccine codes: the national immunization programme codes ({@link HubCodeSystems#NIP_VACCINE})
 * and CVX, linked by the terminology's ConceptMap {@code nip-vaccine-to-cvx}.
 *
 * <ul>
 *   <li>{@link #withTranslations}: RXA-5 keeps every coding as sent; when it has a NIP code and no
 *       CVX code, the CVX code the ConceptMap calls equal or equivalent is added, and the other
 *       way round (a CVX code that exactly one NIP code maps to equivalently), so the dose can be
 *       found by either code. Wider or narrower matches are never added.
 *   <li>{@link #comparisonCode}: the code two reports of one dose are compared by: NIP (as sent
 *       or translated), else CVX, else the first coding.
 * </ul>
 */
public final class VaccineCodes {

  private VaccineCodes() {}

  /** Adds the exact NIP/CVX translation missing from the concept (in place); returns it. */
  public static CodeableConcept withTranslations(Terminology terminology, CodeableConcept vaccine) {
    Optional<Coding> nip = first(vaccine, HubCodeSystems.NIP_VACCINE);
    Optional<Coding> cvx = first(vaccine, HubCodeSystems.CVX);
    if (nip.isPresent() && cvx.isEmpty()) {
      terminology.translate(HubCodeSystems.NIP_VACCINE, nip.get().getCode(), HubCodeSystems.CVX)
          .filter(Translation::isExact)
          .ifPresent(t -> vaccine.addCoding(terminology.annotate(t.target())));
    } else if (cvx.isPresent() && nip.isEmpty()) {
      String code = cvxToNip(terminology).get(cvx.get().getCode());
      if (code != null) {
        vaccine.addCoding(terminology.annotate(new Coding().setSystem(HubCodeSystems.NIP_VACCINE).setCode(code)));
      }
    }
    return vaccine;
  }

  /** The coding two reports of one dose are compared by; empty when the concept has no code. */
  public static Optional<Coding> comparisonCode(Terminology terminology, CodeableConcept vaccine) {
    Optional<Coding> nip = first(vaccine, HubCodeSystems.NIP_VACCINE);
    if (nip.isPresent()) {
      return nip;
    }
    Optional<Coding> cvx = first(vaccine, HubCodeSystems.CVX);
    if (cvx.isPresent()) {
      String code = cvxToNip(terminology).get(cvx.get().getCode());
      return Optional.of(code == null ? cvx.get() : new Coding().setSystem(HubCodeSystems.NIP_VACCINE).setCode(code));
    }
    return vaccine.getCoding().stream().filter(c -> c.hasCode() && c.hasSystem()).findFirst();
  }

  private static Optional<Coding> first(CodeableConcept cc, String system) {
    return cc.getCoding().stream().filter(c -> system.equals(c.getSystem()) && c.hasCode()).findFirst();
  }

  /** CVX code -> the one NIP code that maps to it equivalently (CVX codes two NIP codes share are left out). */
  static Map<String, String> cvxToNip(Terminology terminology) {
    Map<String, String> reverse = new HashMap<>();
    Map<String, Integer> count = new HashMap<>();
    terminology.codeSystemView(HubCodeSystems.NIP_VACCINE).ifPresent(cs -> {
      for (ConceptDefinitionComponent c : cs.getConcept()) {
        terminology.translate(HubCodeSystems.NIP_VACCINE, c.getCode(), HubCodeSystems.CVX)
            .filter(Translation::isExact)
            .ifPresent(t -> {
              reverse.put(t.target().getCode(), c.getCode());
              count.merge(t.target().getCode(), 1, Integer::sum);
            });
      }
    });
    count.forEach((cvx, n) -> {
      if (n > 1) {
        reverse.remove(cvx);
      }
    });
    return reverse;
  }
}
