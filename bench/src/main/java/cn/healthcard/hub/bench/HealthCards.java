package cn.healthcard.hub.bench;

import cn.healthcard.hub.terminology.identity.ResidentIdNumber;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;

/**
 * Gives a Synthea patient a resident health-card number consistent with its birth date and sex,
 * and turns its creation into a conditional create by that number (as a hospital would send it).
 */
public final class HealthCards {
  public static final String SYSTEM = ResidentIdNumber.HEALTH_CARD_SYSTEM;

  private HealthCards() {}

  /** A valid number: Shenyang districts, the given birth date, an odd sequence for men. */
  public static String number(LocalDate birthDate, boolean male, int sequence) {
    String area = String.format("2101%02d", 2 + (sequence / 500) % 90);
    int seq = (sequence % 500) * 2 + (male ? 1 : 0);
    String body = area + birthDate.format(DateTimeFormatter.BASIC_ISO_DATE) + String.format("%03d", seq);
    return body + ResidentIdNumber.checkCharacter(body);
  }

  /** Adds the card to the bundle's Patient; returns the number. */
  public static String assign(JsonNode bundle, int sequence) {
    for (JsonNode entry : bundle.path("entry")) {
      JsonNode resource = entry.path("resource");
      if (!"Patient".equals(resource.path("resourceType").asText())) {
        continue;
      }
      LocalDate birthDate = LocalDate.parse(resource.path("birthDate").asText());
      boolean male = "male".equals(resource.path("gender").asText());
      String number = number(birthDate, male, sequence);
      ArrayNode identifiers = ((ObjectNode) resource).withArray("identifier");
      identifiers.addObject().put("system", SYSTEM).put("value", number);
      ((ObjectNode) entry.path("request")).put("ifNoneExist", "identifier=" + SYSTEM + "|" + number);
      return number;
    }
    throw new IllegalArgumentException("bundle has no Patient");
  }
}
