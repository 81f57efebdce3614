package cn.healthcard.hub.terminology.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ResidentIdNumberTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 11, 26);

  @Test
  void acceptsTheStandardsWorkedExampleWithCheckCharacterX() {
    // GB 11643-1999's published example number
    ResidentIdNumber n = ResidentIdNumber.parse("11010519491231002X", TODAY);
    assertThat(n.value()).isEqualTo("11010519491231002X");
    assertThat(n.birthDate()).isEqualTo(LocalDate.of(1949, 12, 31));
    assertThat(n.sex()).isEqualTo(ResidentIdNumber.Sex.FEMALE);
    assertThat(n.addressCode()).isEqualTo("110105");
  }

  @Test
  void lowerCaseCheckCharacterAndSurroundingSpaceAreNormalised() {
    assertThat(ResidentIdNumber.parse(" 11010519491231002x ", TODAY).value())
        .isEqualTo("11010519491231002X");
  }

  @Test
  void computesCheckCharacterPerIso7064Mod11_2() {
    assertThat(ResidentIdNumber.checkCharacter("11010519491231002")).isEqualTo('X');
    assertThat(ResidentIdNumber.checkCharacter("21010219800101001")).isEqualTo('0');
    assertThat(ResidentIdNumber.checkCharacter("21010219900307777")).isEqualTo('4');
  }

  @Test
  void oddSequenceDigitIsMale() {
    assertThat(ResidentIdNumber.parse("210102199003077774", TODAY).sex())
        .isEqualTo(ResidentIdNumber.Sex.MALE);
  }

  @Test
  void legacyFifteenDigitNumberBecomesItsEighteenCharacterForm() {
    ResidentIdNumber n = ResidentIdNumber.parse("210102850505123", TODAY);
    assertThat(n.value()).isEqualTo("210102198505051238");
    assertThat(n.birthDate()).isEqualTo(LocalDate.of(1985, 5, 5));
    assertThat(ResidentIdNumber.parse("210102198505051238", TODAY)).isEqualTo(n);
  }

  @Test
  void wrongCheckCharacterIsRejected() {
    assertThatThrownBy(() -> ResidentIdNumber.parse("110105194912310021", TODAY))
        .isInstanceOf(InvalidResidentIdNumberException.class)
        .hasMessageContaining("check character does not match");
  }

  @Test
  void wrongLengthIsRejectedWithTheLength() {
    assertThatThrownBy(() -> ResidentIdNumber.parse("1101051949123100", TODAY))
        .hasMessageContaining("must be 18 characters")
        .hasMessageContaining("got 16");
  }

  @Test
  void lettersInsideTheNumberAreRejected() {
    assertThatThrownBy(() -> ResidentIdNumber.parse("1101051949A231002X", TODAY))
        .hasMessageContaining("character 11 must be a digit");
  }

  @Test
  void impossibleBirthDatesAreRejected() {
    String feb30 = "21010219900230001";
    assertThatThrownBy(() -> ResidentIdNumber.parse(feb30 + ResidentIdNumber.checkCharacter(feb30), TODAY))
        .hasMessageContaining("not a calendar date");
    String future = "21010220300101001";
    assertThatThrownBy(() -> ResidentIdNumber.parse(future + ResidentIdNumber.checkCharacter(future), TODAY))
        .hasMessageContaining("in the future");
    String ancient = "21010217990101001";
    assertThatThrownBy(() -> ResidentIdNumber.parse(ancient + ResidentIdNumber.checkCharacter(ancient), TODAY))
        .hasMessageContaining("before 1880");
    assertThatThrownBy(() -> ResidentIdNumber.parse("210102851305123", TODAY))
        .hasMessageContaining("not a calendar date");
  }

  @Test
  void emptyIsRejected() {
    assertThatThrownBy(() -> ResidentIdNumber.parse("  ", TODAY)).hasMessage("the number is empty");
    assertThatThrownBy(() -> ResidentIdNumber.parse(null, TODAY)).hasMessage("the number is empty");
  }

  @Test
  void errorMessagesAndToStringNeverContainTheNumber() {
    String number = "110105194912310021";
    assertThatThrownBy(() -> ResidentIdNumber.parse(number, TODAY))
        .message()
        .doesNotContain(number)
        .doesNotContain("1949");
    assertThat(ResidentIdNumber.parse("11010519491231002X", TODAY).toString())
        .doesNotContain("19491231");
  }
}
