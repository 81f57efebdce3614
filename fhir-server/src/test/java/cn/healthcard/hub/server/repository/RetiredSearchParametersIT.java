package cn.healthcard.hub.server.repository;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.server.HubProperties;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class RetiredSearchParametersIT extends HubIntegrationTest {
  @Autowired DaoRegistry daoRegistry;
  @Autowired ISearchParamRegistry registry;
  @Autowired HubProperties hub;

  private static String observation(String code, double value) {
    return "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":\"http://loinc.org\",\"code\":\""
        + code + "\"}]},\"valueQuantity\":{\"value\":" + value
        + ",\"unit\":\"kg\",\"system\":\"http://unitsofmeasure.org\",\"code\":\"kg\"}}";
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  @Test
  void aSearchByARetiredParameterIsRefusedNamingIt() {
    HttpResponse<String> response = get("/Observation?combo-code=" + encode("http://loinc.org|29463-7"));

    assertThat(response.statusCode()).isEqualTo(400);
    OperationOutcome outcome = (OperationOutcome) FHIR.newJsonParser().parseResource(response.body());
    assertThat(outcome.getIssueFirstRep().getDiagnostics()).contains("combo-code").contains("Observation");
  }

  @Test
  void codeAndValueSearchesStillWork() {
    String code = "retired-sp-" + System.nanoTime() % 100000;
    assertThat(post("/Observation", "application/fhir+json", observation(code, 71.5)).statusCode()).isEqualTo(201);
    assertThat(post("/Observation", "application/fhir+json", observation(code, 12.0)).statusCode()).isEqualTo(201);

    HttpResponse<String> byCode = get("/Observation?code=" + encode("http://loinc.org|" + code) + "&_summary=count");
    HttpResponse<String> byValue =
        get("/Observation?code=" + encode("http://loinc.org|" + code) + "&value-quantity=gt50&_summary=count");

    assertThat(byCode.body()).contains("\"total\":2");
    assertThat(byValue.body()).contains("\"total\":1");
  }

  @Test
  void theCapabilityStatementListsOnlyIndexedParameters() {
    CapabilityStatement metadata = client().capabilities().ofType(CapabilityStatement.class).execute();
    List<String> observationParams = new ArrayList<>();
    metadata.getRestFirstRep().getResource().stream()
        .filter(r -> r.getType().equals("Observation"))
        .forEach(r -> r.getSearchParam().forEach(p -> observationParams.add(p.getName())));

    assertThat(observationParams).contains("code", "value-quantity", "patient", "date", "category");
    assertThat(observationParams).doesNotContain("combo-code", "component-code-value-quantity", "code-value-concept");
  }

  @Test
  void aRestartWithTheSameListWritesNothingAndAParameterTakenOffTheListIsBack() {
    RetiredSearchParameters retired = new RetiredSearchParameters(FhirContext.forR4Cached());
    List<String> configured = hub.fhir().retiredSearchParameters();
    assertThat(configured).contains("Procedure-instantiates-uri");
    String uri = "/Procedure?instantiates-uri=" + encode("http://example.org/protocol");

    assertThat(retired.apply(configured, daoRegistry, registry)).isZero();
    assertThat(get(uri).statusCode()).isEqualTo(400);

    List<String> fewer = new ArrayList<>(configured);
    fewer.remove("Procedure-instantiates-uri");
    try {
      assertThat(retired.apply(fewer, daoRegistry, registry)).isEqualTo(1);
      assertThat(get(uri).statusCode()).isEqualTo(200);
    } finally {
      assertThat(retired.apply(configured, daoRegistry, registry)).isEqualTo(1);
    }
    assertThat(get(uri).statusCode()).isEqualTo(400);
  }
}
