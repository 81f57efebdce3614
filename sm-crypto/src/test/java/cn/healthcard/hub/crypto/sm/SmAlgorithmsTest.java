package cn.healthcard.hub.crypto.sm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SmAlgorithmsTest {

  @Test
  void sm2SignaturesVerifyOnlyWithTheSignersKeyAndTheSameData() {
    KeyPair signer = Sm2.generateKeyPair();
    byte[] data = "appId=A&infno=6201".getBytes(StandardCharsets.UTF_8);
    byte[] signature = Sm2.sign(signer.getPrivate(), data);
    assertThat(Sm2.verify(signer.getPublic(), data, signature)).isTrue();
    assertThat(Sm2.verify(Sm2.generateKeyPair().getPublic(), data, signature)).isFalse();
    assertThat(Sm2.verify(signer.getPublic(), "appId=A&infno=6202".getBytes(StandardCharsets.UTF_8), signature)).isFalse();
    assertThat(Sm2.verify(signer.getPublic(), data, new byte[] {1, 2, 3})).isFalse();
    assertThat(Sm2.decodePublicKey(Sm2.encodePublicKey(signer.getPublic()))).isEqualTo(signer.getPublic());
  }

  @Test
  void sm3AndSm4MatchTheStandardsExamples() {
    // GB/T 32905 example 1: SM3("abc")
    assertThat(HexFormat.of().formatHex(Sm2.sm3("abc".getBytes(StandardCharsets.US_ASCII))))
        .isEqualTo("66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
    // GB/T 32907 appendix A example 1: key = plaintext = 0123456789abcdeffedcba9876543210
    byte[] key = HexFormat.of().parseHex("0123456789abcdeffedcba9876543210");
    assertThat(HexFormat.of().formatHex(Sm4.encryptBlock(key, key))).isEqualTo("681edf34d206965e86b3e94f536e4246");
    byte[] iv = Sm4.randomIv();
    byte[] plain = "{\"payAuthNo\":\"A\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(Sm4.cbcDecrypt(key, iv, Sm4.cbcEncrypt(key, iv, plain))).isEqualTo(plain);
    assertThatThrownBy(() -> Sm4.cbcDecrypt(key, iv, new byte[15])).isInstanceOf(IllegalArgumentException.class);
  }
}
