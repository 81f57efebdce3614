package cn.healthcard.hub.mappings.hl7v2;

import java.util.Objects;

/**
 * One administered dose a VXU reported (a {@code completed} Immunization of the transaction), in
 * the terms the server needs to recognise the same dose already stored from another source: the
 * vaccination site and the hospital both report the dose, and it must be stored once.
 *
 * <p>The server looks for a stored Immunization of the same person with the same vaccine, the
 * same date and, when both have one, the same lot number; for those it finds it calls
 * {@link cn.healthcard.hub.mappings.hl7v2.vxu.ImmunizationDuplicates#rewrite} before writing the
 * transaction.
 *
 * @param fullUrl the Immunization's fullUrl in the transaction
 * @param vaccineSystem the system of the comparison code: the national immunization programme
 *     code ({@code HubCodeSystems.NIP_VACCINE}) when the dose has one (as sent, or translated
 *     exactly from CVX), else CVX, else the first coding as sent
 * @param vaccineCode the comparison code
 * @param occurrenceDate RXA-3's date, {@code yyyy-MM-dd} (shorter when RXA-3 was less precise)
 * @param lotNumber RXA-15, null when not sent
 * @param patientFullUrl the Patient's fullUrl in the transaction
 */
public record DoseReport(
    String fullUrl,
    String vaccineSystem,
    String vaccineCode,
    String occurrenceDate,
    String lotNumber,
    String patientFullUrl) {

  public DoseReport {
    Objects.requireNonNull(fullUrl, "fullUrl");
    Objects.requireNonNull(vaccineSystem, "vaccineSystem");
    Objects.requireNonNull(vaccineCode, "vaccineCode");
    Objects.requireNonNull(occurrenceDate, "occurrenceDate");
    Objects.requireNonNull(patientFullUrl, "patientFullUrl");
  }
}
