package cn.healthcard.hub.server.repository;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;
import org.junit.jupiter.api.Test;

class RetiredSearchParametersTest {
  private final RetiredSearchParameters retired = new RetiredSearchParameters(FhirContext.forR4Cached());

  @Test
  void theShortNameAndTheCanonicalUrlNameTheSameParameter() {
    SearchParameter shortName = retired.retiredCopy("Observation-combo-code");
    SearchParameter url = retired.retiredCopy("http://hl7.org/fhir/SearchParameter/Observation-combo-code");

    assertThat(shortName.equalsDeep(url)).isTrue();
    assertThat(shortName.getUrl()).isEqualTo("http://hl7.org/fhir/SearchParameter/Observation-combo-code");
    assertThat(shortName.getIdElement().getIdPart()).isEqualTo("retired-Observation-combo-code");
  }

  @Test
  void theCopyIsTheBuiltInWithStatusRetired() {
    SearchParameter copy = retired.retiredCopy("Observation-combo-code");

    assertThat(copy.getStatus()).isEqualTo(Enumerations.PublicationStatus.RETIRED);
    assertThat(copy.getCode()).isEqualTo("combo-code");
    assertThat(copy.getBase()).extracting(b -> b.getValueAsString()).containsExactly("Observation");
    assertThat(copy.getType()).isEqualTo(Enumerations.SearchParamType.TOKEN);
    assertThat(copy.getExpression()).isEqualTo("Observation.code | Observation.component.code");
  }

  @Test
  void aCompositeKeepsItsComponents() {
    SearchParameter copy = retired.retiredCopy("Observation-code-value-quantity");

    assertThat(copy.getType()).isEqualTo(Enumerations.SearchParamType.COMPOSITE);
    assertThat(copy.getComponent()).extracting(c -> c.getDefinition())
        .containsExactly(
            "http://hl7.org/fhir/SearchParameter/clinical-code",
            "http://hl7.org/fhir/SearchParameter/Observation-value-quantity");
  }

  @Test
  void anUnknownEntryFailsNamingTheSettingAndTheUrl() {
    assertThatThrownBy(() -> retired.retiredCopy("Observation-no-such-thing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("hub.fhir.retired-search-parameters")
        .hasMessageContaining("http://hl7.org/fhir/SearchParameter/Observation-no-such-thing");
  }
}
