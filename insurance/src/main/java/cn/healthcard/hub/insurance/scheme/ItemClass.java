package cn.healthcard.hub.insurance.scheme;

import java.util.Arrays;
import java.util.Optional;

/**
 * The national catalogue's payment class of an item: A fully within the scheme, B within it with
 * a lower ratio, C outside it (the patient pays it all).
 */
public enum ItemClass {
  A, B, C;

  public static Optional<ItemClass> fromCode(String code) {
    return Arrays.stream(values()).filter(c -> c.name().equals(code)).findFirst();
  }
}
