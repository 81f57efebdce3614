package cn.healthcard.hub.insurance.adjudication;

import cn.healthcard.hub.insurance.scheme.CareSetting;
import cn.healthcard.hub.insurance.scheme.HospitalLevel;
import java.util.Comparator;
import java.util.List;

/**
 * What adjudication needs of a claim: where the care was (setting, the hospital's level, whether
 * outside the scheme's county and whether referred) and its lines.
 */
public record ClaimToAdjudicate(
    CareSetting setting, HospitalLevel level, boolean outsideSchemeCounty, boolean referred, List<ClaimLine> lines) {

  public ClaimToAdjudicate {
    lines = lines.stream().sorted(Comparator.comparingInt(ClaimLine::sequence)).toList();
  }
}
