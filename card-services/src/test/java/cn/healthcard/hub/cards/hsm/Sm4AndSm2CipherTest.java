package cn.healthcard.hub.cards.hsm;

import cn.healthcard.hub.crypto.sm.Sm4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cn.healthcard.hub.crypto.sm.Sm2;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.Map;
import org.bouncycastle.crypto.engines.SM2Engine;
import org.bouncycastle.crypto.engines.SM4Engine;
import org.bouncycastle.crypto.macs.CBCBlockCipherMac;
import org.bouncycastle.crypto.paddings.ISO7816d4Padding;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.jcajce.provider.asymmetric.util.ECUtil;
import org.junit.jupiter.api.Test;

class Sm4AndSm2CipherTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void sm4MatchesTheStandardsExampleVector() {
    // GB/T 32907-2016, appendix A, example 1
    byte[] key = HEX.parseHex("0123456789abcdeffedcba9876543210");
    assertThat(HEX.formatHex(Sm4.encryptBlock(key, key)))
        .isEqualTo("681edf34d206965e86b3e94f536e4246");
  }

  @Test
  void cbcMacIsIso9797Algorithm1WithPaddingMethod2() {
    byte[] key = Sm4.randomKey();
    for (int length = 0; length <= 48; length++) {
      byte[] data = new byte[length];
      Arrays.fill(data, (byte) (length + 1));
      CBCBlockCipherMac reference = new CBCBlockCipherMac(new SM4Engine(), 128, new ISO7816d4Padding());
      reference.init(new KeyParameter(key));
      reference.update(data, 0, data.length);
      byte[] expected = new byte[16];
      reference.doFinal(expected, 0);
      assertThat(Sm4.cbcMac(key, data)).as("length %d", length).isEqualTo(expected);
    }
  }

  @Test
  void cbcMacOfBlockAlignedDataAddsAFullPaddingBlock() {
    byte[] key = Sm4.randomKey();
    byte[] block = new byte[16];
    byte[] padBlock = new byte[16];
    padBlock[0] = (byte) 0x80;
    byte[] first = Sm4.encryptBlock(key, block);
    byte[] chained = first.clone();
    for (int i = 0; i < 16; i++) {
      chained[i] ^= padBlock[i];
    }
    assertThat(Sm4.cbcMac(key, block)).isEqualTo(Sm4.encryptBlock(key, chained));
  }

  @Test
  void cbcRoundTripsAndRefusesAWrongKey() {
    byte[] key = Sm4.randomKey();
    byte[] iv = Sm4.randomIv();
    byte[] plain = "personalization data".getBytes(StandardCharsets.UTF_8);
    byte[] cipher = Sm4.cbcEncrypt(key, iv, plain);
    assertThat(cipher).hasSize(32);
    assertThat(Sm4.cbcDecrypt(key, iv, cipher)).isEqualTo(plain);
    assertThatThrownBy(() -> Sm4.cbcDecrypt(key, iv, Arrays.copyOf(cipher, 31)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gcmDetectsAlteredCiphertextAndAdditionalData() {
    byte[] key = Sm4.randomKey();
    byte[] nonce = new byte[12];
    byte[] aad = "alias".getBytes(StandardCharsets.UTF_8);
    byte[] sealed = Sm4.gcmEncrypt(key, nonce, aad, new byte[16]);
    assertThat(Sm4.gcmDecrypt(key, nonce, aad, sealed)).isEqualTo(new byte[16]);
    byte[] altered = sealed.clone();
    altered[3] ^= 1;
    assertThatThrownBy(() -> Sm4.gcmDecrypt(key, nonce, aad, altered))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Sm4.gcmDecrypt(key, nonce, "other".getBytes(StandardCharsets.UTF_8), sealed))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void checkValueIsTheFirstThreeBytesOfTheKeyEncryptingZeros() {
    byte[] key = HEX.parseHex("0123456789abcdeffedcba9876543210");
    assertThat(Sm4.checkValue(key))
        .isEqualTo(HEX.withUpperCase().formatHex(Sm4.encryptBlock(key, new byte[16]), 0, 3))
        .hasSize(6);
  }

  @Test
  void sm2CiphertextIsC1C3C2AndOpensOnlyWithTheRightKey() throws Exception {
    KeyPair pair = Sm2.generateKeyPair();
    byte[] plain = Sm4.randomKey();
    byte[] cipher = Sm2Cipher.encrypt(pair.getPublic(), plain);
    assertThat(cipher).hasSize(65 + 32 + plain.length);
    assertThat(cipher[0]).isEqualTo((byte) 0x04);
    assertThat(Sm2Cipher.decrypt(pair.getPrivate(), cipher)).isEqualTo(plain);

    // the same ciphertext reordered to C1 || C2 || C3 opens with BouncyCastle's other mode
    byte[] c1c2c3 = new byte[cipher.length];
    System.arraycopy(cipher, 0, c1c2c3, 0, 65);
    System.arraycopy(cipher, 65 + 32, c1c2c3, 65, plain.length);
    System.arraycopy(cipher, 65, c1c2c3, 65 + plain.length, 32);
    SM2Engine other = new SM2Engine(SM2Engine.Mode.C1C2C3);
    other.init(false, ECUtil.generatePrivateKeyParameter(pair.getPrivate()));
    assertThat(other.processBlock(c1c2c3, 0, c1c2c3.length)).isEqualTo(plain);

    KeyPair stranger = Sm2.generateKeyPair();
    assertThatThrownBy(() -> Sm2Cipher.decrypt(stranger.getPrivate(), cipher))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] altered = cipher.clone();
    altered[cipher.length - 1] ^= 1;
    assertThatThrownBy(() -> Sm2Cipher.decrypt(pair.getPrivate(), altered))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cardKeyPackageRoundTripsAndRefusesTruncation() {
    Map<CardKeyType, byte[]> keys = new EnumMap<>(CardKeyType.class);
    for (CardKeyType type : CardKeyType.values()) {
      keys.put(type, Sm4.randomKey());
    }
    CardKeyPackage original = new CardKeyPackage("01abcdef", keys, new byte[] {1, 2, 3}, new byte[] {4, 5});
    byte[] encoded = original.encode();
    CardKeyPackage decoded = CardKeyPackage.decode(encoded);
    assertThat(decoded.diversificationCode()).isEqualTo("01abcdef");
    for (CardKeyType type : CardKeyType.values()) {
      assertThat(decoded.key(type)).isEqualTo(keys.get(type));
    }
    assertThat(decoded.privateKeyPkcs8()).containsExactly(1, 2, 3);
    assertThat(decoded.certificateDer()).containsExactly(4, 5);
    assertThat(decoded.toString()).doesNotContain(HEX.formatHex(keys.get(CardKeyType.AUTH)));
    assertThatThrownBy(() -> CardKeyPackage.decode(Arrays.copyOf(encoded, encoded.length - 1)))
        .isInstanceOf(IllegalArgumentException.class);
    keys.remove(CardKeyType.ENC);
    assertThatThrownBy(() -> new CardKeyPackage("01", keys, null, null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
