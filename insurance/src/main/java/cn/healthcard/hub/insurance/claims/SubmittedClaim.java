package cn.healthcard.hub.insurance.claims;

import cn.healthcard.hub.insurance.adjudication.ClaimLine;
import cn.healthcard.hub.insurance.scheme.CareSetting;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A hospital's bill as submitted for settlement (from a FHIR Claim).
 *
 * @param claimNo the hospital's own number for the bill (unique per hospital: submitting it again
 *     answers the first settlement)
 * @param diagnoses ICD-10 codes, the principal first
 * @param replaces the hospital's number of an earlier claim this one corrects (reversed in the same step)
 */
public record SubmittedClaim(
    String institution,
    String claimNo,
    String cardNumber,
    CareSetting setting,
    Instant serviceFrom,
    Instant serviceTo,
    boolean referred,
    List<String> diagnoses,
    List<ClaimLine> lines,
    Optional<String> replaces) {

  public SubmittedClaim {
    diagnoses = List.copyOf(diagnoses);
    lines = List.copyOf(lines);
  }

  /** The bill's content, order-free: the same items, quantities and prices give the same text. */
  public String fingerprint() {
    return lines.stream()
        .map(l -> l.item() + "x" + l.quantity().stripTrailingZeros().toPlainString() + "@" + l.unitPriceFen())
        .sorted().reduce((a, b) -> a + ";" + b).orElse("");
  }
}
