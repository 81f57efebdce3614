package cn.healthcard.hub.insurance.supervision;

import java.util.List;

/**
 * A fund-supervision rule's hit on a claim: which rule, how serious, what it saw, and the other
 * claims that are its evidence (the hub's claim ids).
 */
public record Finding(SupervisionRule rule, String detail, List<String> evidenceClaims) {
  public Finding {
    evidenceClaims = List.copyOf(evidenceClaims);
  }
}
