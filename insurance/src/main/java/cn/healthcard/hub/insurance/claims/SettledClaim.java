package cn.healthcard.hub.insurance.claims;

import cn.healthcard.hub.insurance.adjudication.Adjudication;
import cn.healthcard.hub.insurance.scheme.HospitalLevel;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A claim as the ledger holds it: what was submitted, how it was adjudicated, where the fund's
 * share stands, and the FHIR resources that show it.
 *
 * @param id the hub's claim id ({@code C} and 20 hex digits)
 * @param fundStatus {@code payable}, {@code held} (a confirmed supervision finding), {@code paid}
 *     or {@code none} (nothing for the fund to pay, or reversed)
 */
public record SettledClaim(
    String id,
    String institution,
    String claimNo,
    String cardNumber,
    String patient,
    String county,
    int year,
    int schemeVersion,
    HospitalLevel level,
    Instant serviceFrom,
    Instant serviceTo,
    List<String> diagnoses,
    String fingerprint,
    String status,
    String fundStatus,
    Adjudication adjudication,
    Optional<String> replaces,
    Optional<String> claimResource,
    Optional<String> claimResponse,
    Optional<String> eob,
    Instant settledAt) {

  /** The same claim with the FHIR resources that show it. */
  public SettledClaim withResources(String claim, String response, String explanation) {
    return new SettledClaim(id, institution, claimNo, cardNumber, patient, county, year, schemeVersion, level, serviceFrom,
        serviceTo, diagnoses, fingerprint, status, fundStatus, adjudication, replaces, Optional.of(claim),
        Optional.of(response), Optional.of(explanation), settledAt);
  }

  public boolean reversed() {
    return "reversed".equals(status);
  }
}
