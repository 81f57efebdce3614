package cn.healthcard.hub.server.terminology;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.context.support.LookupCodeRequest;
import ca.uhn.fhir.context.support.ValidationSupportContext;
import cn.healthcard.hub.terminology.Terminology;
import java.util.Optional;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.CodeSystem.CodeSystemContentMode;
import org.hl7.fhir.r4.model.CodeSystem.ConceptDefinitionComponent;
import org.hl7.fhir.r4.model.CodeSystem.ConceptPropertyComponent;

/**
 * First link of HAPI's validation-support chain: code lookups in the hub's own code systems come
 * from memory (the same content the repository holds) instead of four database queries each, so
 * {@code $lookup} and code validation inside the server cost microseconds. Everything else goes on
 * down HAPI's chain.
 */
public final class InMemoryLookup implements IValidationSupport {

  private final FhirContext fhirContext;
  private final Terminology terminology;

  public InMemoryLookup(FhirContext fhirContext, Terminology terminology) {
    this.fhirContext = fhirContext;
    this.terminology = terminology;
  }

  @Override
  public FhirContext getFhirContext() {
    return fhirContext;
  }

  @Override
  public String getName() {
    return "hub-in-memory-terminology";
  }

  @Override
  public boolean isCodeSystemSupported(ValidationSupportContext context, String system) {
    return complete(system).isPresent();
  }

  @Override
  public LookupCodeResult lookupCode(ValidationSupportContext context, LookupCodeRequest request) {
    Optional<CodeSystem> system = complete(request.getSystem());
    if (system.isEmpty()) {
      return null;
    }
    Optional<ConceptDefinitionComponent> concept = terminology.concept(request.getSystem(), request.getCode());
    if (concept.isEmpty()) {
      return LookupCodeResult.notFound(request.getSystem(), request.getCode());
    }
    ConceptDefinitionComponent c = concept.get();
    LookupCodeResult result = new LookupCodeResult();
    result.setFound(true);
    result.setSearchedForSystem(request.getSystem());
    result.setSearchedForCode(request.getCode());
    result.setCodeDisplay(c.getDisplay());
    result.setCodeSystemDisplayName(system.get().getTitle());
    result.setCodeSystemVersion(system.get().getVersion());
    for (ConceptPropertyComponent p : c.getProperty()) {
      if (!wanted(request, p.getCode())) {
        continue;
      }
      if (p.hasValueCodeType()) {
        String value = p.getValueCodeType().getCode();
        result.getProperties().add(new CodingConceptProperty(
            p.getCode(), request.getSystem(), value, terminology.display(request.getSystem(), value).orElse(null)));
      } else if (p.getValue() != null) {
        result.getProperties().add(new StringConceptProperty(p.getCode(), p.getValue().primitiveValue()));
      }
    }
    c.getDesignation().forEach(d -> result.getDesignations().add(
        new ConceptDesignation().setLanguage(d.getLanguage()).setValue(d.getValue())));
    return result;
  }

  private static boolean wanted(LookupCodeRequest request, String property) {
    return request.getPropertyNames() == null
        || request.getPropertyNames().isEmpty()
        || request.getPropertyNames().contains(property);
  }

  private Optional<CodeSystem> complete(String system) {
    return system == null
        ? Optional.empty()
        : terminology.codeSystemView(system).filter(cs -> cs.getContent() == CodeSystemContentMode.COMPLETE);
  }
}
