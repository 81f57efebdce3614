package cn.healthcard.hub.server;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import cn.healthcard.hub.terminology.Terminology;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Resource;

/** Resources the hub produces validate against the FHIR R4 base definitions (offline). */
public final class R4Validation {
  private static final FhirValidator VALIDATOR = validator();

  private R4Validation() {}

  private static FhirValidator validator() {
    FhirContext ctx = FhirContext.forR4Cached();
    PrePopulatedValidationSupport hub = new PrePopulatedValidationSupport(ctx);
    for (MetadataResource r : Terminology.standard().resources()) {
      hub.addResource(r);
    }
    ValidationSupportChain chain = new ValidationSupportChain(
        new DefaultProfileValidationSupport(ctx), hub,
        new InMemoryTerminologyServerValidationSupport(ctx), new CommonCodeSystemsTerminologyService(ctx));
    FhirInstanceValidator instanceValidator = new FhirInstanceValidator(chain);
    instanceValidator.setAnyExtensionsAllowed(true);
    return ctx.newValidator().registerValidatorModule(instanceValidator);
  }

  public static void assertValid(Resource... resources) {
    for (Resource resource : resources) {
      List<String> errors = VALIDATOR.validateWithResult(resource).getMessages().stream()
          .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
          .map(SingleValidationMessage::toString)
          .toList();
      assertThat(errors).as("validation errors in %s", resource.fhirType()).isEmpty();
    }
  }
}
