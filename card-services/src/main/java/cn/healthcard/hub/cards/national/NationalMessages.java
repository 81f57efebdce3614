package cn.healthcard.hub.cards.national;

import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The bodies of the national protocol ({@code PROTOCOL.md} beside this class) and their rules,
 * shared by the hub's client and the national side's simulator. The request records'
 * {@code toString()} masks the card number.
 */
public final class NationalMessages {
  public static final String REGISTRATIONS_PATH = "/v1/cards/registrations";
  public static final String STATUS_PATH = "/v1/cards/status";
  public static final String CONTENT_TYPE = "application/json; charset=utf-8";

  private static final Pattern PROVINCE_CODE = Pattern.compile("[0-9]{2}");
  private static final Pattern CHIP_SERIAL = Pattern.compile("[0-9A-Za-z-]{1,64}");
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private NationalMessages() {}

  /** The METHOD of a response's canonical string: {@code RESPONSE 201}. */
  public static String responseMethod(int status) {
    return "RESPONSE " + status;
  }

  /** Body of {@code POST /v1/cards/registrations}. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record RegistrationRequest(
      String requestId,
      String provinceCode,
      String cardNumber,
      String cardType,
      String chipSerial,
      String issuerId,
      String issuedAt) {

    /** What is wrong with this request; empty when it follows the protocol. */
    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      checkRequestId(requestId, problems);
      checkProvince(provinceCode, problems);
      checkCardNumber(cardNumber, problems);
      if (NationalRequest.CardType.fromCode(cardType).isEmpty()) {
        problems.add("cardType must be adult or child");
      }
      if (chipSerial != null && !CHIP_SERIAL.matcher(chipSerial).matches()) {
        problems.add("chipSerial must be 1-64 of [0-9A-Za-z-] or null");
      }
      if (issuerId == null || issuerId.isBlank() || issuerId.length() > 64) {
        problems.add("issuerId must be 1-64 characters");
      }
      checkInstant("issuedAt", issuedAt, problems);
      return problems;
    }

    @Override
    public String toString() {
      return "RegistrationRequest[requestId=" + requestId + ", provinceCode=" + provinceCode + "]";
    }
  }

  /** Body of {@code POST /v1/cards/status}. */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record StatusChangeRequest(
      String requestId,
      String provinceCode,
      String cardNumber,
      String status,
      String chipSerial,
      String changedAt) {

    public List<String> problems() {
      List<String> problems = new ArrayList<>();
      checkRequestId(requestId, problems);
      checkProvince(provinceCode, problems);
      checkCardNumber(cardNumber, problems);
      var parsed = NationalRequest.Status.fromCode(status);
      if (parsed.isEmpty()) {
        problems.add("status must be active, reported-lost, cancelled or replaced");
      }
      if (chipSerial != null && !CHIP_SERIAL.matcher(chipSerial).matches()) {
        problems.add("chipSerial must be 1-64 of [0-9A-Za-z-] or null");
      }
      if (parsed.filter(s -> s == NationalRequest.Status.REPLACED).isPresent()
          && chipSerial == null) {
        problems.add("chipSerial is required for replaced");
      }
      checkInstant("changedAt", changedAt, problems);
      return problems;
    }

    @Override
    public String toString() {
      return "StatusChangeRequest[requestId=" + requestId + ", status=" + status + "]";
    }
  }

  /**
   * Every answer of the national system: accepted answers carry {@code registrationId} and
   * {@code status}; refusals carry {@code error}, {@code reason} and, for a conflict,
   * {@code province}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Answer(
      String requestId,
      String registrationId,
      String status,
      String error,
      String reason,
      String province) {

    public static Answer accepted(String requestId, String registrationId, String status) {
      return new Answer(requestId, registrationId, status, null, null, null);
    }

    public static Answer refused(String requestId, String error, String reason) {
      return new Answer(requestId, null, null, error, reason, null);
    }

    public static Answer conflict(String requestId, String reason, String province) {
      return new Answer(requestId, null, null, "card-live", reason, province);
    }
  }

  public static byte[] write(Object message) {
    try {
      return JSON.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + message.getClass().getSimpleName(), e);
    }
  }

  /**
   * @throws IllegalArgumentException when the bytes are not a JSON object of that shape (the
   *     message never quotes the input)
   */
  public static <T> T read(byte[] body, Class<T> type) {
    try {
      T value = JSON.readValue(body, type);
      if (value == null) {
        throw new IllegalArgumentException("the body is JSON null");
      }
      return value;
    } catch (IOException e) {
      throw new IllegalArgumentException("the body is not a JSON " + type.getSimpleName());
    }
  }

  private static void checkRequestId(String requestId, List<String> problems) {
    try {
      if (requestId == null || !UUID.fromString(requestId).toString().equals(requestId)) {
        problems.add("requestId must be a UUID");
      }
    } catch (IllegalArgumentException e) {
      problems.add("requestId must be a UUID");
    }
  }

  private static void checkProvince(String provinceCode, List<String> problems) {
    if (provinceCode == null || !PROVINCE_CODE.matcher(provinceCode).matches()) {
      problems.add("provinceCode must be 2 digits");
    }
  }

  /** Reasons name the rule, never the number. */
  private static void checkCardNumber(String cardNumber, List<String> problems) {
    if (cardNumber == null) {
      problems.add("cardNumber is missing");
      return;
    }
    var parsed = ResidentIdNumber.tryParse(cardNumber);
    if (parsed.isEmpty() || !parsed.get().value().equals(cardNumber)) {
      problems.add("cardNumber must be a valid 18-character resident identity number");
    }
  }

  private static void checkInstant(String name, String value, List<String> problems) {
    try {
      if (value == null) {
        problems.add(name + " is missing");
      } else {
        Instant.parse(value);
      }
    } catch (DateTimeParseException e) {
      problems.add(name + " must be an ISO-8601 instant");
    }
  }
}
