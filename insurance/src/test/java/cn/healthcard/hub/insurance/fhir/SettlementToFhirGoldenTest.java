package cn.healthcard.hub.insurance.fhir;

import static org.assertj.core.api.Assertions.assertThat;

import ca.uhn.fhir.context.FhirContext;
import cn.healthcard.hub.insurance.adjudication.Adjudication;
import cn.healthcard.hub.insurance.adjudication.AdjudicatorTestAccess;
import cn.healthcard.hub.insurance.adjudication.Usage;
import cn.healthcard.hub.insurance.claims.SettledClaim;
import cn.healthcard.hub.insurance.claims.SubmittedClaim;
import cn.healthcard.hub.insurance.scheme.HospitalLevel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.hl7.fhir.r4.model.Claim;
import org.junit.jupiter.api.Test;

/**
 * Golden files: a county hospital's discharge bill ({@code golden/claim-inpatient-county.json}:
 * a class A bed, a drug the scheme classes B, an excluded item, a class C item, a per-claim
 * frequency limit) read, adjudicated under the sample scheme and written as the ClaimResponse and
 * the ExplanationOfBenefit the hub stores, compared with the expected JSON beside it.
 */
class SettlementToFhirGoldenTest {

  private static final FhirContext FHIR = FhirContext.forR4Cached();

  private static String resource(String name) throws IOException {
    try (InputStream in = SettlementToFhirGoldenTest.class.getResourceAsStream("/golden/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void assertGolden(String expectedFile, String actual) throws IOException {
    Path written = Path.of("target", "golden-actual", expectedFile);
    Files.createDirectories(written.getParent());
    Files.writeString(written, actual);
    assertThat(actual).as("compare with " + written).isEqualTo(resource(expectedFile).strip());
  }

  @Test
  void aDischargeBillBecomesItsClaimResponseAndExplanationOfBenefit() throws IOException {
    Claim claim = FHIR.newJsonParser().parseResource(Claim.class, resource("claim-inpatient-county.json"));
    SubmittedClaim submitted = ClaimFromFhir.read(claim, "FAKU_COUNTY_HOSPITAL");
    Adjudication adjudication = AdjudicatorTestAccess.sample(Usage.NONE, submitted, HospitalLevel.COUNTY);
    SettledClaim settled = new SettledClaim("C00112233445566778899", "FAKU_COUNTY_HOSPITAL", submitted.claimNo(),
        submitted.cardNumber(), "patient-1", "210124", 2026, 1, HospitalLevel.COUNTY, submitted.serviceFrom(),
        submitted.serviceTo(), submitted.diagnoses(), submitted.fingerprint(), "settled", "payable", adjudication,
        Optional.empty(), Optional.of("claim-1"), Optional.of("response-1"), Optional.of("eob-1"),
        Instant.parse("2026-06-10T03:00:00Z"));

    String response = FHIR.newJsonParser().setPrettyPrint(true)
        .encodeResourceToString(SettlementToFhir.claimResponse(settled, "NCMS-210124", "claim-1"));
    String explanation = FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(
        SettlementToFhir.explanation(settled, "NCMS-210124", claim, "claim-1", "response-1", Optional.of("coverage-1")));

    assertGolden("claimresponse-inpatient-county.json", response);
    assertGolden("eob-inpatient-county.json", explanation);
  }
}
