package cn.healthcard.hub.terminology.identity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentityNumberRedactorTest {

  @Test
  void masksValidNumbersWhereverTheyStand() {
    assertThat(IdentityNumberRedactor.redact("Key (idx)=(Patient?health-card=urn%3Aoid%3A2.16.156.10011.1.19%7C11010519491231002X) exists"))
        .isEqualTo("Key (idx)=(Patient?health-card=urn%3Aoid%3A2.16.156.10011.1.19%7C[identity-number]) exists");
    assertThat(IdentityNumberRedactor.redact("a 11010519491231002x and 210102850505123 b"))
        .isEqualTo("a [identity-number] and [identity-number] b");
  }

  @Test
  void leavesOtherLongNumbersAlone() {
    // wrong check character, and a 19-digit hash: not identity numbers
    String text = "hash -8554577673119766893 and 110105194912310021";
    assertThat(IdentityNumberRedactor.redact(text)).isEqualTo(text);
    assertThat(IdentityNumberRedactor.redact(null)).isNull();
  }
}
