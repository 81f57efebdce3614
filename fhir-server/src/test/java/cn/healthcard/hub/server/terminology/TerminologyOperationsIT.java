package cn.healthcard.hub.server.terminology;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import cn.healthcard.hub.server.HubIntegrationTest;
import cn.healthcard.hub.terminology.HubCodeSystems;
import cn.healthcard.hub.terminology.Terminology;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CodeSystem;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Parameters.ParametersParameterComponent;
import org.hl7.fhir.r4.model.ValueSet;
import org.hl7.fhir.r4.model.ValueSet.ValueSetExpansionContainsComponent;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class TerminologyOperationsIT extends HubIntegrationTest {

  @Autowired DaoRegistry daoRegistry;

  private static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private Parameters parameters(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(Parameters.class, response.body());
  }

  private ValueSet valueSet(HttpResponse<String> response) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return FHIR.newJsonParser().parseResource(ValueSet.class, response.body());
  }

  @Test
  void lookupOfACountyGivesItsChineseNameAndParent() {
    Parameters out = parameters(get("/CodeSystem/$lookup?system=" + q(HubCodeSystems.DIVISION) + "&code=210102"));
    assertThat(out.getParameterValue("display").primitiveValue()).isEqualTo("和平区");
    List<ParametersParameterComponent> properties =
        out.getParameter().stream().filter(p -> p.getName().equals("property")).toList();
    assertThat(properties)
        .anySatisfy(p -> {
          assertThat(p.getPart()).anyMatch(part -> part.getName().equals("code") && part.getValue().primitiveValue().equals("parent"));
          assertThat(p.getPart()).anySatisfy(part -> {
            assertThat(part.getName()).isEqualTo("value");
            Coding parent = (Coding) part.getValue();
            assertThat(parent.getCode()).isEqualTo("2101");
            assertThat(parent.getDisplay()).isEqualTo("沈阳市");
          });
        });
  }

  @Test
  void lookupOfAnUnknownCodeIsNotFound() {
    HttpResponse<String> response = get("/CodeSystem/$lookup?system=" + q(HubCodeSystems.DIVISION) + "&code=219999");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("OperationOutcome");
  }

  @Test
  void validateCodeAcceptsKnownAndRejectsUnknownCodes() {
    Parameters valid = parameters(get("/CodeSystem/$validate-code?url=" + q(HubCodeSystems.SEX) + "&code=2"));
    assertThat(valid.getParameterBool("result")).isTrue();
    assertThat(valid.getParameterValue("display").primitiveValue()).isEqualTo("女性");
    Parameters invalid = parameters(get("/CodeSystem/$validate-code?url=" + q(HubCodeSystems.SEX) + "&code=7"));
    assertThat(invalid.getParameterBool("result")).isFalse();
    Parameters inValueSet = parameters(get("/ValueSet/$validate-code?url=" + q(HubCodeSystems.BASE + "/ValueSet/gbt2260")
        + "&system=" + q(HubCodeSystems.DIVISION) + "&code=2101"));
    assertThat(inValueSet.getParameterBool("result")).isTrue();
  }

  @Test
  void expandsAllDivisions() {
    ValueSet expansion = valueSet(get("/ValueSet/$expand?url=" + q(HubCodeSystems.BASE + "/ValueSet/gbt2260") + "&count=5000"));
    assertThat(expansion.getExpansion().getTotal()).isEqualTo(31 + 342 + 2978);
    assertThat(expansion.getExpansion().getContains()).hasSize(31 + 342 + 2978);
  }

  @Test
  void expandFiltersOnChineseNames() {
    ValueSet expansion = valueSet(get("/ValueSet/$expand?url=" + q(HubCodeSystems.BASE + "/ValueSet/gbt2260") + "&filter=" + q("沈阳")));
    assertThat(expansion.getExpansion().getContains())
        .extracting(ValueSetExpansionContainsComponent::getCode).contains("2101");
    assertThat(expansion.getExpansion().getContains())
        .allSatisfy(c -> assertThat(c.getDisplay()).contains("沈阳"));
  }

  @Test
  void expandPages() {
    String url = "/ValueSet/$expand?url=" + q(HubCodeSystems.BASE + "/ValueSet/gbt2260");
    ValueSet first = valueSet(get(url + "&offset=0&count=10"));
    ValueSet second = valueSet(get(url + "&offset=10&count=10"));
    assertThat(first.getExpansion().getContains()).hasSize(10);
    assertThat(second.getExpansion().getContains()).hasSize(10);
    assertThat(first.getExpansion().getTotal()).isEqualTo(31 + 342 + 2978);
    assertThat(second.getExpansion().getOffset()).isEqualTo(10);
    assertThat(first.getExpansion().getContains().get(0).getCode())
        .isNotEqualTo(second.getExpansion().getContains().get(0).getCode());
  }

  @Test
  void translatesHl7SexToGbt2261() {
    Parameters out = parameters(get("/ConceptMap/$translate?system=" + q(HubCodeSystems.V2_0001)
        + "&code=F&targetsystem=" + q(HubCodeSystems.SEX)));
    assertThat(out.getParameterBool("result")).isTrue();
    ParametersParameterComponent match = out.getParameter().stream().filter(p -> p.getName().equals("match")).findFirst().orElseThrow();
    assertThat(match.getPart()).anySatisfy(part -> {
      assertThat(part.getName()).isEqualTo("concept");
      assertThat(part.getValue().getNamedProperty("code").getValues().get(0).primitiveValue()).isEqualTo("2");
    });
  }

  @Test
  void translatesEthnicityNumericToLetter() {
    Parameters out = parameters(get("/ConceptMap/$translate?system=" + q(HubCodeSystems.ETHNICITY)
        + "&code=02&targetsystem=" + q(HubCodeSystems.ETHNICITY_LETTER)));
    assertThat(out.getParameterBool("result")).isTrue();
    assertThat(FHIR.newJsonParser().encodeResourceToString(out)).contains("\"MG\"");
  }

  @Test
  void countyIsSubsumedByItsProvinceButNotByAnother() {
    Parameters within = parameters(get("/CodeSystem/$subsumes?system=" + q(HubCodeSystems.DIVISION) + "&codeA=21&codeB=210102"));
    assertThat(within.getParameterValue("outcome").primitiveValue()).isEqualTo("subsumes");
    Parameters reverse = parameters(get("/CodeSystem/$subsumes?system=" + q(HubCodeSystems.DIVISION) + "&codeA=210102&codeB=21"));
    assertThat(reverse.getParameterValue("outcome").primitiveValue()).isEqualTo("subsumed-by");
    Parameters elsewhere = parameters(get("/CodeSystem/$subsumes?system=" + q(HubCodeSystems.DIVISION) + "&codeA=11&codeB=210102"));
    assertThat(elsewhere.getParameterValue("outcome").primitiveValue()).isEqualTo("not-subsumed");
    Parameters byPost = parameters(post("/CodeSystem/$subsumes", "application/fhir+json",
        "{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"codingA\",\"valueCoding\":{\"system\":\""
            + HubCodeSystems.DIVISION + "\",\"code\":\"2101\"}},{\"name\":\"codingB\",\"valueCoding\":{\"system\":\""
            + HubCodeSystems.DIVISION + "\",\"code\":\"210102\"}}]}"));
    assertThat(byPost.getParameterValue("outcome").primitiveValue()).isEqualTo("subsumes");
  }

  @Test
  void subsumesWithAnUnknownCodeIsABadRequestNamingTheCode() {
    HttpResponse<String> response = get("/CodeSystem/$subsumes?system=" + q(HubCodeSystems.DIVISION) + "&codeA=21&codeB=219999");
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("OperationOutcome").contains("219999");
  }

  @Test
  void licensedSystemsAreDeclaredNotPresent() {
    HttpResponse<String> response = get("/CodeSystem?url=" + q(HubCodeSystems.ICD10));
    assertThat(response.statusCode()).isEqualTo(200);
    Bundle found = FHIR.newJsonParser().parseResource(Bundle.class, response.body());
    assertThat(found.getEntry()).singleElement()
        .satisfies(e -> assertThat(((CodeSystem) e.getResource()).getContent()).isEqualTo(CodeSystem.CodeSystemContentMode.NOTPRESENT));
  }

  @Test
  void everyShippedResourceIsServedUnderItsCanonicalUrl() {
    for (var resource : Terminology.standard().resources()) {
      HttpResponse<String> response = get("/" + resource.fhirType() + "?url=" + q(resource.getUrl()) + "&_summary=count");
      assertThat(FHIR.newJsonParser().parseResource(Bundle.class, response.body()).getTotal()).as(resource.getUrl()).isEqualTo(1);
    }
  }

  @Test
  void loadingAgainWritesNothing() {
    assertThat(new TerminologyLoader(daoRegistry).load(Terminology.standard())).isZero();
    HttpResponse<String> cs = get("/CodeSystem/gbt2260");
    assertThat(FHIR.newJsonParser().parseResource(CodeSystem.class, cs.body()).getMeta().getVersionId()).isEqualTo("1");
  }
}
