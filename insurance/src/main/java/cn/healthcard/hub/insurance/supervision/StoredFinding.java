package cn.healthcard.hub.insurance.supervision;

import java.util.List;
import java.util.Optional;

/** A finding as recorded, with its review state and the DetectedIssue and Task that show it. */
public record StoredFinding(
    String id, SupervisionRule rule, String claimId, String cardNumber, String county, String detail,
    List<String> evidenceClaims, FindingStatus status, Optional<String> detectedIssue, Optional<String> task) {}
