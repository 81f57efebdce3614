package cn.healthcard.hub.terminology.division;

import java.util.Optional;

/**
 * One administrative division of China (GB/T 2260) at its own level: province (2-digit code),
 * city (4-digit) or county (6-digit).
 */
public record Division(String code, String name, Level level, String parentCode) {

  public enum Level {
    PROVINCE,
    CITY,
    COUNTY
  }

  public Optional<String> parent() {
    return Optional.ofNullable(parentCode);
  }
}
