package cn.healthcard.hub.terminology.division;

import static org.assertj.core.api.Assertions.assertThat;

import cn.healthcard.hub.terminology.division.Division.Level;
import cn.healthcard.hub.terminology.division.DivisionResolution.Match;
import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import org.hl7.fhir.r4.model.CodeSystem;
import org.junit.jupiter.api.Test;

class DivisionsTest {

  private final Divisions divisions = Divisions.standard();

  @Test
  void holdsEveryProvinceCityAndCountyOfTheData() {
    assertThat(divisions.all().stream().filter(d -> d.level() == Level.PROVINCE)).hasSize(31);
    assertThat(divisions.all().stream().filter(d -> d.level() == Level.CITY)).hasSize(342);
    assertThat(divisions.all().stream().filter(d -> d.level() == Level.COUNTY)).hasSize(2978);
  }

  @Test
  void countyWalksUpToItsCityAndProvince() {
    assertThat(divisions.lineage("210102"))
        .extracting(Division::code, Division::name)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("210102", "和平区"),
            org.assertj.core.groups.Tuple.tuple("2101", "沈阳市"),
            org.assertj.core.groups.Tuple.tuple("21", "辽宁省"));
    assertThat(divisions.city("210102")).map(Division::code).hasValue("2101");
    assertThat(divisions.province("210102")).map(Division::code).hasValue("21");
  }

  @Test
  void paddedSixDigitFormsNameProvincesAndCities() {
    assertThat(divisions.find("210000")).map(Division::code).hasValue("21");
    assertThat(divisions.find("210100")).map(Division::code).hasValue("2101");
    assertThat(divisions.find("999999")).isEmpty();
    assertThat(divisions.find("21a")).isEmpty();
    assertThat(divisions.find(null)).isEmpty();
  }

  @Test
  void subsumesFollowsTheHierarchyOnly() {
    assertThat(divisions.subsumes("21", "210102")).isTrue();
    assertThat(divisions.subsumes("2101", "210102")).isTrue();
    assertThat(divisions.subsumes("210102", "210102")).isTrue();
    assertThat(divisions.subsumes("11", "210102")).isFalse();
    assertThat(divisions.subsumes("210102", "21")).isFalse();
  }

  @Test
  void retiredCountyResolvesToItsSuccessorWhereTheChangeListKnowsIt() {
    DivisionResolution r = divisions.resolveAddressCode("110103");
    assertThat(r.match()).isEqualTo(Match.SUCCESSOR);
    assertThat(r.division()).map(Division::name).hasValue("东城区");
  }

  @Test
  void unknownCountyFallsBackToItsCityThenProvince() {
    assertThat(divisions.resolveAddressCode("210199").match()).isEqualTo(Match.CITY);
    assertThat(divisions.resolveAddressCode("210199").division()).map(Division::code).hasValue("2101");
    assertThat(divisions.resolveAddressCode("219901").match()).isEqualTo(Match.PROVINCE);
    assertThat(divisions.resolveAddressCode("990101").match()).isEqualTo(Match.UNKNOWN);
    assertThat(divisions.resolveAddressCode("99").match()).isEqualTo(Match.UNKNOWN);
  }

  @Test
  void cardNumberResolvesToTheDivisionOfIssue() {
    String body = "21010219900307123";
    ResidentIdNumber card = ResidentIdNumber.parse(body + ResidentIdNumber.checkCharacter(body));
    DivisionResolution r = divisions.resolveCardNumber(card);
    assertThat(r.match()).isEqualTo(Match.CURRENT);
    assertThat(r.division()).map(Division::name).hasValue("和平区");
  }

  @Test
  void codeSystemNestsCountiesInCitiesInProvinces() {
    CodeSystem cs = DivisionCodeSystem.build(divisions);
    assertThat(cs.getConcept()).hasSize(31);
    assertThat(cs.getCount()).isEqualTo(31 + 342 + 2978);
    var liaoning = cs.getConcept().stream().filter(c -> c.getCode().equals("21")).findFirst().orElseThrow();
    var shenyang = liaoning.getConcept().stream().filter(c -> c.getCode().equals("2101")).findFirst().orElseThrow();
    assertThat(shenyang.getConcept()).anyMatch(c -> c.getCode().equals("210102") && c.getDisplay().equals("和平区"));
    assertThat(shenyang.getProperty()).anyMatch(p -> p.getCode().equals("parent") && p.getValueCodeType().getCode().equals("21"));
  }
}
