package cn.healthcard.hub.insurance;

/** An insurance office acting on a household, premium or finding of a county outside its division. */
public class OutsideDivision extends RuntimeException {
  public OutsideDivision(String message) {
    super(message);
  }

  /** @throws OutsideDivision unless {@code county} lies within {@code division} (empty: anywhere) */
  static void check(java.util.Optional<String> division, String county, String what) {
    if (division.isPresent() && !county.startsWith(division.get())) {
      throw new OutsideDivision(what + " belongs to county " + county + ", outside this office's division "
          + division.get());
    }
  }
}
