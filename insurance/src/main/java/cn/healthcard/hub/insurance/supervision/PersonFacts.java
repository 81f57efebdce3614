package cn.healthcard.hub.insurance.supervision;

import java.time.LocalDate;
import java.util.Optional;

/**
 * What the record and the card platform say about the person a claim is for.
 *
 * @param patient the Patient id
 * @param deceased the date of death on the record, if recorded
 * @param cardStatus the status of the person's current health card ({@code active}, {@code frozen},
 *     {@code cancelled}...), empty when no card was ever issued
 */
public record PersonFacts(String patient, Optional<LocalDate> deceased, Optional<String> cardStatus) {}
