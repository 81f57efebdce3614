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
 * Every resource the HIS, immunization and birth-report samples (and the CDC example VXU) produce validates against the FHIR R4 base definitions
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
    List<String> all = new java.util.ArrayList<>();
    GoldenFilesTest.samples().forEach(n -> all.add(GoldenFilesTest.DIR + n + ".hl7"));
    ImmunizationGoldenFilesTest.vxu().forEach(n -> all.add(ImmunizationGoldenFilesTest.DIR + n + ".hl7"));
    BirthGoldenFilesTest.samples().forEach(n -> all.add(BirthGoldenFilesTest.DIR + n + ".hl7"));
    all.add(IZ_VXU);
    return all;
  }

  /** The CDC guide's VXU example from the IZ Gateway file. */
  static final String IZ_VXU = "izgateway VXU^V04 45646ug";

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void everyProducedResourceValidatesWithoutErrors(String name) throws Exception {
    byte[] raw = name.equals(IZ_VXU)
        ? IzGatewayMessagesTest.messages().stream().filter(m -> m.type().equals("VXU")).findFirst().orElseThrow()
            .text().getBytes(java.nio.charset.StandardCharsets.UTF_8)
        : TestMessages.wire(name);
    Bundle bundle = TestMessages.accepted(raw).mapped().transaction();
    java.util.Set<String> flagged = flagged(bundle);
    assertNoErrors(validator.validateWithResult(bundle), "Bundle", flagged);
    for (BundleEntryComponent e : bundle.getEntry()) {
      assertNoErrors(validator.validateWithResult(e.getResource()), e.getResource().fhirType(), flagged);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cn.healthcard.hub.mappings.bank.BankStatementGoldenFilesTest#samples")
  void everyBankStatementResourceValidatesWithoutErrors(String name) throws Exception {
    Bundle bundle = cn.healthcard.hub.mappings.bank.BankStatementGoldenFilesTest.map(name);
    assertNoErrors(validator.validateWithResult(bundle), "Bundle");
    for (BundleEntryComponent e : bundle.getEntry()) {
      assertNoErrors(validator.validateWithResult(e.getResource()), e.getResource().fhirType());
    }
  }

  static void assertNoErrors(ValidationResult result, String what) {
    assertNoErrors(result, what, java.util.Set.of());
  }

  /**
   * No errors, but one: "Unknown code 'system#code'" for a coding the hub kept as sent and flagged
   * {@code coding-not-validated} (an unknown code of a code system the hub ships in full, e.g. a
   * vaccine the national programme list does not have). Keeping it flagged is the rule; the
   * validator is right that the code is not in the system.
   */
  static void assertNoErrors(ValidationResult result, String what, java.util.Set<String> flagged) {
    List<String> errors = result.getMessages().stream()
        .filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR || m.getSeverity() == ResultSeverityEnum.FATAL)
        .filter(m -> flagged.stream().noneMatch(f -> m.getMessage().contains("Unknown code '" + f + "'")))
        .map(SingleValidationMessage::toString)
        .toList();
    assertThat(errors).as("validation errors in %s", what).isEmpty();
  }

  /** system#code of every coding of the Bundle flagged coding-not-validated. */
  static java.util.Set<String> flagged(Bundle bundle) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (BundleEntryComponent e : bundle.getEntry()) {
      for (org.hl7.fhir.r4.model.Coding c : TestMessages.FHIR.newTerser()
          .getAllPopulatedChildElementsOfType(e.getResource(), org.hl7.fhir.r4.model.Coding.class)) {
        if (c.hasExtension(cn.healthcard.hub.terminology.HubCodeSystems.NOT_VALIDATED_EXTENSION)) {
          out.add(c.getSystem() + "#" + c.getCode());
        }
      }
    }
    return out;
  }
}
