package cn.healthcard.hub.mappings.hl7v2;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import ca.uhn.fhir.validation.ValidationResult;
import cn.healthcard.hub.terminology.Terminology;
import java.util.List;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.PrePopulatedValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.MetadataResource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every resource the HIS samples produce validates against the FHIR R4 base definitions
 * (offline: HAPI's packaged definitions, plus the hub's own code systems and value sets so its
 * codes are checked too). Errors fail the test; warnings and information do not.
 */
class ResourceValidationTest {

  private static FhirValidator validator;

  @BeforeAll
  static void validator() {
    FhirContext ctx = TestMessages.FHIR;
    PrePopulatedValidationSupport hub = new PrePopulatedValidationSupport(ctx);
    for (MetadataResource r : Terminology.standard().resources()) {
      hub.addResource(r);
    }
    ValidationSupportChain chain = new ValidationSupportChain(
        new DefaultProfileValidationSupport(ctx),
        hub,
        new InMemoryTerminologyServerValidationSupport(ctx),
        new CommonCodeSystemsTerminologyService(ctx));
    FhirInstanceValidator instanceValidator = new FhirInstanceValidator(chain);
    instanceValidator.setAnyExtensionsAllowed(true);
    validator = ctx.newValidator().registerValidatorModule(instanceValidator);
  }

  static List<String> samples() throws Exception {
    return GoldenFilesTest.samples().toList();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void everyProducedResourceValidatesWithoutErrors(String name) {
    Bundle bundle = TestMessages.accepted(TestMessages.wire(GoldenFilesTest.DIR + name + ".hl7")).mapped().transaction();
    assertNoErrors(validator.validateWithResult(bundle), "Bundle");
    for (BundleEntryComponent e : bundle.getEntry()) {
      assertNoErrors(validator.validateWithResult(e.getResource()), e.getResource().fhirType());
    }
  }

  static void assertNoErrors(ValidationResult result, String what) {
    List<String> errors = result.getMessages().stream()
        .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
        .map(SingleValidationMessage::toString)
        .toList();
    assertThat(errors).as("validation errors in %s", what).isEmpty();
  }
}
