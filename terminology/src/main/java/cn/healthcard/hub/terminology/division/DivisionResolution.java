package cn.healthcard.hub.terminology.division;

import java.util.Optional;

/**
 * What a 6-digit address code (as printed in an address or in the first six digits of an identity
 * number) resolves to in today's divisions.
 *
 * @param addressCode the code as given
 * @param division the current division it resolves to, at the level {@link #match()} says
 * @param match how it was resolved
 */
public record DivisionResolution(String addressCode, Optional<Division> division, Match match) {

  public enum Match {
    /** The code is a current division. */
    CURRENT,
    /** The code was retired; it resolves to the county that replaced it. */
    SUCCESSOR,
    /** The county is unknown today (retired, not in the change list): resolved to its city. */
    CITY,
    /** Neither county nor city is known today: resolved to the province. */
    PROVINCE,
    /** Not even the province exists. */
    UNKNOWN
  }
}
