package cn.healthcard.hub.insurance.adjudication;

import cn.healthcard.hub.insurance.claims.SubmittedClaim;
import cn.healthcard.hub.insurance.scheme.HospitalLevel;
import java.util.Optional;

/** The sample scheme's adjudication of a submitted claim at a hospital of the scheme's county, for other packages' tests. */
public final class AdjudicatorTestAccess {
  private AdjudicatorTestAccess() {}

  public static Adjudication sample(Usage usage, SubmittedClaim claim, HospitalLevel level) {
    return Adjudicator.adjudicate(AdjudicatorTest.sample(), Optional.empty(), usage,
        new ClaimToAdjudicate(claim.setting(), level, false, claim.referred(), claim.lines()));
  }
}
