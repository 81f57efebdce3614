package cn.healthcard.hub.payments.medicalinsurance;

import cn.healthcard.hub.crypto.sm.Sm2;
import cn.healthcard.hub.crypto.sm.Sm4;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The medical-insurance platform's message envelope: plain header fields ({@code appId}, {@code
 * infno} the interface number, {@code msgid}, {@code insuplc_admdvs} the insured's area,
 * {@code timestamp}), the business body SM4-encrypted in {@code encData} (CBC, PKCS#7, a fresh IV
 * before the ciphertext, Base64) under the key the platform agreed with the institution, and
 * {@code signData}: SM3withSM2 over the other top-level fields, sorted, non-empty, {@code k=v}
 * joined by {@code &}. The same for requests, answers and notifications; each side signs with its
 * own SM2 key and checks the other's.
 *
 * <p>Public facts about the national interfaces are thin: the field names follow them, the exact
 * encryption mode and signed text are this hub's reading and must be checked against the province's
 * interface document before production.
 */
public final class InsuranceEnvelope {

  public static final String SIGN = "signData";
  public static final String DATA = "encData";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** An opened envelope: its header fields and its decrypted body. */
  public record Opened(Map<String, String> header, JsonNode body) {
    public String infno() {
      return header.getOrDefault("infno", "");
    }

    public String msgid() {
      return header.getOrDefault("msgid", "");
    }
  }

  private InsuranceEnvelope() {}

  /** The envelope's JSON text: the header fields as given, the body encrypted, the whole signed. */
  public static String seal(Map<String, String> header, JsonNode body, byte[] sm4Key, PrivateKey signer) {
    Map<String, String> fields = new TreeMap<>(header);
    fields.put("encType", "SM4");
    fields.put("signType", "SM2");
    byte[] iv = Sm4.randomIv();
    byte[] cipher = Sm4.cbcEncrypt(sm4Key, iv, body.toString().getBytes(StandardCharsets.UTF_8));
    byte[] data = Arrays.copyOf(iv, iv.length + cipher.length);
    System.arraycopy(cipher, 0, data, iv.length, cipher.length);
    fields.put(DATA, Base64.getEncoder().encodeToString(data));
    fields.put(SIGN, Base64.getEncoder().encodeToString(Sm2.sign(signer, content(fields))));
    ObjectNode out = JSON.createObjectNode();
    fields.forEach(out::put);
    return out.toString();
  }

  /**
   * Checks the signature with the sender's key, then decrypts the body.
   *
   * @throws IllegalArgumentException saying what is wrong (not JSON, unsigned, a signature that
   *     does not verify, a body that does not decrypt)
   */
  public static Opened open(String text, byte[] sm4Key, PublicKey sender) {
    JsonNode tree;
    try {
      tree = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("is not JSON");
    }
    if (tree == null || !tree.isObject()) {
      throw new IllegalArgumentException("is not a JSON object");
    }
    Map<String, String> fields = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = tree.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getValue().isValueNode()) {
        fields.put(field.getKey(), field.getValue().asText());
      }
    }
    String signature = fields.getOrDefault(SIGN, "");
    byte[] signatureBytes;
    try {
      signatureBytes = Base64.getDecoder().decode(signature);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("has a signData that is not Base64");
    }
    if (signature.isEmpty() || !Sm2.verify(sender, content(fields), signatureBytes)) {
      throw new IllegalArgumentException("has a signature that does not verify");
    }
    String data = fields.remove(DATA);
    fields.remove(SIGN);
    if (data == null || data.isEmpty()) {
      return new Opened(fields, JSON.createObjectNode());
    }
    try {
      byte[] bytes = Base64.getDecoder().decode(data);
      if (bytes.length < 2 * Sm4.BLOCK) {
        throw new IllegalArgumentException("has an encData too short to hold a body");
      }
      byte[] plain = Sm4.cbcDecrypt(sm4Key, Arrays.copyOf(bytes, Sm4.BLOCK), Arrays.copyOfRange(bytes, Sm4.BLOCK, bytes.length));
      return new Opened(fields, JSON.readTree(new String(plain, StandardCharsets.UTF_8)));
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalArgumentException("has an encData that does not decrypt to a body");
    }
  }

  private static byte[] content(Map<String, String> fields) {
    StringBuilder text = new StringBuilder();
    new TreeMap<>(fields).forEach((k, v) -> {
      if (!SIGN.equals(k) && v != null && !v.isEmpty()) {
        text.append(text.length() == 0 ? "" : "&").append(k).append('=').append(v);
      }
    });
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }
}
