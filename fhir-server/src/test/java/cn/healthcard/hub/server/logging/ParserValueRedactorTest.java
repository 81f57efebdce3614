package cn.healthcard.hub.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ParserValueRedactorTest {

  @Test
  void valuesQuotedByParserMessagesAreMaskedAndElementNamesKept() {
    assertThat(ParserValueRedactor.redact(
        "HAPI-1861: Failed to parse JSON encoded FHIR content: HAPI-1821: [element=\"birthDate\"] Invalid attribute value \"张三丰\": Invalid date/time format: \"张三丰\""))
        .isEqualTo("HAPI-1861: Failed to parse JSON encoded FHIR content: HAPI-1821: [element=\"birthDate\"] Invalid attribute value \"***\": Invalid date/time format: \"***\"");
    assertThat(ParserValueRedactor.redact("ca.uhn.fhir.parser.DataFormatException: Invalid attribute value \"李四\""))
        .isEqualTo("ca.uhn.fhir.parser.DataFormatException: Invalid attribute value \"***\"");
    assertThat(ParserValueRedactor.redact(
        "HAPI-1821: [element=\"gender\"] Invalid attribute value \"司马\": Unknown AdministrativeGender code '司马'"))
        .isEqualTo("HAPI-1821: [element=\"gender\"] Invalid attribute value \"***\": Unknown AdministrativeGender code '***'");
  }

  @Test
  void otherMessagesAreLeftAlone() {
    String search = "HAPI-0524: Unknown search parameter \"names\" for resource type \"Patient\"";
    assertThat(ParserValueRedactor.redact(search)).isEqualTo(search);
    assertThat(ParserValueRedactor.redact(null)).isNull();
    assertThat(ParserValueRedactor.redact("")).isEmpty();
  }
}
